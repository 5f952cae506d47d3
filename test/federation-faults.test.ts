/**
 * Federation under faults, with two real node processes (RU and US) on 127.0.0.1 and clients
 * appending on both sides as fast as they can. First, each node is killed with SIGKILL several
 * times mid-write and restarted on the same port; second, a chaos proxy between the nodes drops,
 * delays, duplicates and holds back (releasing out of order) the federation traffic. Either way,
 * once the faults stop, both replicas must be identical, every entry a client was told was
 * accepted must be there exactly once with the same hash on both nodes, `parley verify` must pass
 * on both, and the link health must have reported the outage and then the recovery.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { databasePath } from '../src/node/data-dir.js';
import { startChaosProxy, type ChaosProxy } from './support/chaos-proxy.js';
import { CLI, api, eventually, peerUp, runCli, startParty, type PartyNode } from './support/node-process.js';

const execFileAsync = promisify(execFile);
const CHANNEL = 'intel';
const WRITERS_PER_NODE = 8;

interface Accepted {
  party: string;
  seq: number;
  hash: string;
  text: string;
}

interface WriteStats {
  accepted: Accepted[];
  /** Appends that got no answer (the node died) or a refusal; they may or may not exist. */
  unanswered: number;
  refused: Record<string, number>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.allSettled(cleanup.map((c) => c()));
  cleanup = [];
});

async function startPair(): Promise<[PartyNode, PartyNode]> {
  const [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  cleanup.push(
    () => ru.serve.stop(),
    () => us.serve.stop(),
  );
  return [ru, us];
}

/** RU proposes the channel with US as a peer, US accepts, and RU sees it active. */
async function openChannel(ru: PartyNode, us: PartyNode): Promise<void> {
  const created = await api<{ state: string }>(ru, 'admin', 'POST', '/api/v1/channels', {
    id: CHANNEL,
    name: 'Intelligence services',
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['ru', 'en'],
  });
  expect(created.status).toBe(201);
  await eventually(
    async () => (await api<{ state: string }>(us, 'admin', 'GET', `/api/v1/channels/${CHANNEL}`)).body.state,
    20_000,
    'proposal at US',
  );
  const accepted = await api<{ state: string }>(us, 'admin', 'POST', `/api/v1/channels/${CHANNEL}/accept`);
  expect(accepted.status).toBe(200);
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', `/api/v1/channels/${CHANNEL}`)).body.state ===
      'active',
    20_000,
    'activation at RU',
  );
}

/**
 * Appends until `stop` fires, each entry with a text used nowhere else, recording only answers
 * that said 201. A failed append is never retried with the same text: it may have been stored.
 */
async function writer(
  node: PartyNode,
  user: string,
  tag: string,
  stop: AbortSignal,
  stats: WriteStats,
): Promise<void> {
  for (let i = 0; !stop.aborted; i += 1) {
    const text = `${tag}-${i}`;
    try {
      const response = await fetch(`${node.url}/api/v1/channels/${CHANNEL}/entries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${node.tokens[user]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'note', lang: 'en', body: { text } }),
      });
      if (response.status === 201) {
        const entry = (await response.json()) as { party: string; seq: number; hash: string };
        stats.accepted.push({ party: entry.party, seq: entry.seq, hash: entry.hash, text });
        continue;
      }
      await response.text();
      stats.refused[response.status] = (stats.refused[response.status] ?? 0) + 1;
    } catch {
      stats.unanswered += 1;
    }
    await sleep(100); // the node is down or restarting
  }
}

function startWriters(nodes: PartyNode[], stats: WriteStats, stop: AbortSignal): Promise<void[]> {
  const writers: Array<Promise<void>> = [];
  for (const node of nodes) {
    const lower = node.party.toLowerCase();
    for (let c = 0; c < WRITERS_PER_NODE; c += 1) {
      const user = c % 2 === 0 ? `${lower}-head` : `${lower}-duty`;
      writers.push(writer(node, user, `${node.party}w${c}`, stop, stats));
    }
  }
  return Promise.all(writers);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(20);
}

interface Replica {
  /** `party/seq` → hash, for every entry of every chain of the channel. */
  entries: Map<string, string>;
  /** How often each note text occurs across all chains. */
  texts: Map<string, number>;
  heads: string[];
}

/** Every chain of the channel as stored by `node`, read from its database (the node keeps running). */
async function readReplica(node: PartyNode): Promise<Replica> {
  const storage = SqliteStorage.open(databasePath(node.dataDir), { readonly: true });
  try {
    const replica: Replica = { entries: new Map(), texts: new Map(), heads: [] };
    for (const head of await storage.listChainHeads(CHANNEL)) {
      replica.heads.push(`${head.party}/${head.size}/${head.hash}`);
      let next = 0;
      for (;;) {
        const page = await storage.readChain(CHANNEL, head.party, next, 5000);
        for (const entry of page) {
          // A chain is contiguous from 0: a hole would be a lost entry.
          expect(entry.seq, `${node.party}: chain ${head.party} is not contiguous`).toBe(next);
          next += 1;
          replica.entries.set(`${entry.party}/${entry.seq}`, entry.hash);
          if (entry.kind === 'note') {
            const text = (JSON.parse(entry.canonical) as { body: { text: string } }).body.text;
            replica.texts.set(text, (replica.texts.get(text) ?? 0) + 1);
          }
        }
        if (page.length === 0 || next >= head.size) break;
      }
      expect(next, `${node.party}: chain ${head.party} shorter than its head`).toBe(head.size);
    }
    replica.heads.sort();
    return replica;
  } finally {
    await storage.close();
  }
}

async function chainHeads(node: PartyNode): Promise<string> {
  const storage = SqliteStorage.open(databasePath(node.dataDir), { readonly: true });
  try {
    return (await storage.listChainHeads(CHANNEL))
      .map((h) => `${h.party}/${h.size}/${h.hash}`)
      .sort()
      .join(' ');
  } finally {
    await storage.close();
  }
}

/**
 * Waits until both nodes hold the same chain heads, stable for a moment (a received batch makes
 * the receiver sign a receipt in its own chain, which travels back once more), then checks the
 * whole replicas, every accepted entry, and `parley verify` on both.
 */
async function expectConverged(ru: PartyNode, us: PartyNode, stats: WriteStats): Promise<number> {
  const started = Date.now();
  await eventually(
    async () => {
      const [a, b] = await Promise.all([chainHeads(ru), chainHeads(us)]);
      if (a !== b || a.split(' ').length !== 2) return false;
      await sleep(1500);
      const [c, d] = await Promise.all([chainHeads(ru), chainHeads(us)]);
      return c === a && d === a;
    },
    60_000,
    'identical, settled chain heads on RU and US',
  );
  const catchUpMs = Date.now() - started;
  const [a, b] = await Promise.all([readReplica(ru), readReplica(us)]);
  expect(a.heads).toEqual(b.heads);
  expect(a.entries.size).toBe(b.entries.size);
  for (const [key, hash] of a.entries)
    expect(b.entries.get(key), `${key} differs between RU and US`).toBe(hash);

  for (const [name, replica] of [
    ['RU', a],
    ['US', b],
  ] as const) {
    for (const entry of stats.accepted) {
      expect(replica.entries.get(`${entry.party}/${entry.seq}`), `${name} lacks accepted ${entry.text}`).toBe(
        entry.hash,
      );
      expect(replica.texts.get(entry.text), `${name}: accepted ${entry.text} not present once`).toBe(1);
    }
    const repeated = [...replica.texts].filter(([, count]) => count > 1);
    expect(repeated, `${name} holds some note more than once`).toEqual([]);
  }

  for (const node of [ru, us]) {
    const verify = runCli(['verify', '--data-dir', node.dataDir, '--json']);
    expect(verify.status, `${node.party}: ${verify.stdout}${verify.stderr}`).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, failures: [], chains: 2 });
    expect(node.serve.child.exitCode, `${node.party} exited:\n${node.serve.output()}`).toBeNull();
  }
  return catchUpMs;
}

/**
 * No node logged an error (an internal failure) or refused a peer's batch (a fork, an invalid
 * entry, a gap it could not explain): faults may only cost retries. Refused replays are expected.
 */
function expectCleanLogs(outputs: string[]): void {
  const bad: string[] = [];
  for (const line of outputs.join('\n').split('\n')) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { level: number; msg: string };
    if (record.level >= 50 || record.msg === 'federation batch refused') bad.push(line);
  }
  expect(bad).toEqual([]);
}

interface PeerView {
  party: string;
  status: string;
  lastError: string | null;
}

async function linkStatus(node: PartyNode): Promise<PeerView | undefined> {
  const { body } = await api<{ peers: PeerView[] }>(
    node,
    `${node.party.toLowerCase()}-duty`,
    'GET',
    '/api/v1/peers',
  );
  return body.peers[0];
}

/**
 * Pins `other` at `url` (a proxy in front of it) on `self`, through that URL. The CLI runs
 * asynchronously: the proxy lives in this process and must keep serving meanwhile.
 */
async function pinVia(self: PartyNode, other: PartyNode, url: string): Promise<void> {
  const args = [
    CLI,
    'peer',
    'add',
    url,
    '--party',
    other.party,
    '--fingerprint',
    other.fingerprint,
    '--data-dir',
    self.dataDir,
  ];
  try {
    await execFileAsync(process.execPath, args, { timeout: 60_000 });
  } catch (error) {
    throw new Error(`peer add via ${url} failed: ${(error as { stderr?: string }).stderr ?? error}`);
  }
}

describe('federation under faults', () => {
  it('loses, duplicates and forks nothing when each node is killed -9 repeatedly while both sides write', async () => {
    const [ru, us] = await startPair();
    peerUp(ru, us);
    await openChannel(ru, us);

    const stats: WriteStats = { accepted: [], unanswered: 0, refused: {} };
    const stop = new AbortController();
    const started = Date.now();
    const writers = startWriters([ru, us], stats, stop.signal);
    const logs: string[] = [];

    const victims = [ru, us, ru, us];
    let kills = 0;
    for (const victim of victims) {
      const target = stats.accepted.length + 400;
      await until(() => stats.accepted.length >= target, 15_000);
      await victim.serve.kill9();
      logs.push(`${victim.party}: ${victim.serve.output()}`);
      kills += 1;
      await sleep(200 + Math.random() * 800);
      await victim.restart();
    }
    await until(() => stats.accepted.length >= 2400, 20_000);
    stop.abort();
    await writers;
    const writeMs = Date.now() - started;

    const catchUpMs = await expectConverged(ru, us, stats);
    const byParty = (party: string) => stats.accepted.filter((e) => e.party === party).length;
    console.log(
      `kill -9: ${stats.accepted.length} accepted (RU ${byParty('RU')}, US ${byParty('US')}), ` +
        `${stats.unanswered} unanswered, refused ${JSON.stringify(stats.refused)}, ${kills} kills, ` +
        `writing ${writeMs} ms, catch-up ${catchUpMs} ms`,
    );
    expectCleanLogs([...logs, ru.serve.output(), us.serve.output()]);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(stats.accepted.length).toBeGreaterThanOrEqual(2000);
    expect(byParty('RU')).toBeGreaterThan(0);
    expect(byParty('US')).toBeGreaterThan(0);
  }, 150_000);

  it('converges after a partition, delays, replays and out-of-order delivery, and reports the outage', async () => {
    const [ru, us] = await startPair();
    // Each node reaches the other only through a proxy, the identity fetch at pinning included.
    const toRu: ChaosProxy = await startChaosProxy(ru.url);
    const toUs: ChaosProxy = await startChaosProxy(us.url);
    cleanup.push(
      () => toRu.close(),
      () => toUs.close(),
    );
    await pinVia(ru, us, toUs.url);
    await pinVia(us, ru, toRu.url);
    await openChannel(ru, us);
    await eventually(async () => (await linkStatus(ru))?.status === 'up', 20_000, 'RU link up');

    const stats: WriteStats = { accepted: [], unanswered: 0, refused: {} };
    const stop = new AbortController();
    const started = Date.now();
    const writers = startWriters([ru, us], stats, stop.signal);
    const both = (mode: Parameters<ChaosProxy['setMode']>[0]) => {
      toRu.setMode(mode);
      toUs.setMode(mode);
    };

    await sleep(1500);
    // Partition: every connection between the nodes is refused or cut.
    both({ kind: 'drop' });
    const seen: Record<string, Set<string>> = { RU: new Set(), US: new Set() };
    const dropUntil = Date.now() + 6000;
    while (Date.now() < dropUntil) {
      for (const node of [ru, us]) seen[node.party]!.add((await linkStatus(node))?.status ?? 'none');
      await sleep(150);
    }
    const duringDrop = { RU: [...seen.RU!], US: [...seen.US!] };
    for (const party of ['RU', 'US'] as const) {
      expect(
        duringDrop[party].some((s) => s === 'degraded' || s === 'down'),
        `${party} saw ${duringDrop[party].join(',')}`,
      ).toBe(true);
    }
    const acceptedDuringDrop = stats.accepted.length;

    both({ kind: 'delay', ms: 400 });
    await sleep(3000);
    both({ kind: 'duplicate', replayAfterMs: 1500 });
    await sleep(4000);
    // Held requests are released in reverse order to callers still waiting.
    both({ kind: 'hold', count: 3, ms: 1500, abandon: false });
    await sleep(4000);
    // Callers are cut off at once; their requests arrive later, newest first, after the retries.
    both({ kind: 'hold', count: 8, ms: 2500, abandon: true });
    await sleep(5000);
    both({ kind: 'pass' });
    await sleep(1500);
    stop.abort();
    await writers;
    const writeMs = Date.now() - started;

    await eventually(
      async () => (await linkStatus(ru))?.status === 'up' && (await linkStatus(us))?.status === 'up',
      20_000,
      'both links up after healing',
    );
    const catchUpMs = await expectConverged(ru, us, stats);
    const after = await Promise.all([linkStatus(ru), linkStatus(us)]);
    expect(after.map((p) => p?.status)).toEqual(['up', 'up']);

    const totals = (key: 'dropped' | 'replayed' | 'held' | 'deliveredLate' | 'delayed') =>
      toRu.stats[key] + toUs.stats[key];
    console.log(
      `partition: ${stats.accepted.length} accepted (${acceptedDuringDrop} by the end of the drop), ` +
        `${stats.unanswered} unanswered, refused ${JSON.stringify(stats.refused)}; links during drop ` +
        `${JSON.stringify(duringDrop)}; proxy to RU ${JSON.stringify(toRu.stats)}, to US ${JSON.stringify(toUs.stats)}; ` +
        `writing ${writeMs} ms, catch-up ${catchUpMs} ms`,
    );
    expectCleanLogs([ru.serve.output(), us.serve.output()]);
    expect(stats.accepted.length).toBeGreaterThan(0);
    expect(totals('dropped')).toBeGreaterThan(0);
    expect(totals('delayed')).toBeGreaterThan(0);
    expect(totals('replayed')).toBeGreaterThan(0);
    expect(totals('held')).toBeGreaterThan(0);
    expect(totals('deliveredLate')).toBeGreaterThan(0);
  }, 150_000);
});
