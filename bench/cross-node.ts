/**
 * Cross-node figures: two federated `parley serve` processes (parties ALPHA and BRAVO) on
 * loopback, pinned to each other by fingerprint (`parley peer add`), one channel proposed by A
 * and accepted by B. Then:
 *
 * Each of the three measurements runs `rounds` times on the same pair of nodes:
 *
 * 1. Sustained throughput: `clients` keep-alive clients post notes on A's API for `seconds`; an
 *    entry counts once B holds it, i.e. B verified it and committed it durably (B's chain head of
 *    A's chain, read from B's database). Rate = entries / (first post until B holds the last).
 * 2. End-to-end latency at light load: one FLASH note at a time on A, timed from the API call
 *    on A until the `entry` event arrives on a live subscriber (SSE) of B.
 * 3. Catch-up: B is killed (SIGKILL), A takes `catchUpEntries` entries while B is down (a scaled
 *    down outage), B is restarted on the same port; timed until B holds them all, with the
 *    resident memory of both node processes sampled while B catches up.
 */
import { execFile } from 'node:child_process';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { LOCAL_OPERATOR } from '../src/cli/local-node.js';
import { databasePath } from '../src/node/data-dir.js';
import { initNode } from '../src/workflows/open-node.js';
import { writeLoad, subscribe } from './cross-node-load.js';
import { ChainWatch, witnessLatency, type WitnessLatency } from './node-watch.js';
import { BENCH_PASSWORD, NOTE_TEXT, benchToken } from './fixture.js';
import { call, profileArgs, spawnUntilReady, type Spawned } from './http-bench.js';
import {
  type Cleanup,
  processCpuSeconds,
  processMemoryKb,
  progress,
  quantile,
  sleep,
  ticker,
} from './util.js';
import { addOffice, addPrincipal } from '../src/workflows/directory/commands.js';

const HOST = '127.0.0.1';
const CHANNEL = 'xnode';
const A = { party: 'ALPHA', office: 'alpha-ops' };
const B = { party: 'BRAVO', office: 'bravo-ops' };
/** Replication timing of both nodes: idle re-check and the ceiling of retry back-off. */
const NODE_ENV = { PARLEY_REPLICATION_POLL_MS: '200', PARLEY_RETRY_MAX_MS: '500' };
const execFileAsync = promisify(execFile);

export interface CrossNodeOptions {
  root: string;
  clients: number;
  principals: number;
  seconds: number;
  latencySamples: number;
  catchUpEntries: number;
  /** Upper bound of the write phase during B's outage. */
  catchUpWriteSeconds: number;
  /** Rounds of each measurement (throughput, latency, catch-up) on the same pair of nodes. */
  rounds?: number;
  /** B's data in PostgreSQL at this URL (a throw-away schema) instead of SQLite; throughput only. */
  databaseUrlB?: string;
  /** CPU seconds of something else to count during the throughput window (the PostgreSQL server). */
  extraCpuSeconds?: () => number | null;
  /** Whether round `round` (from 2 on) of a measurement still fits the run's time budget. */
  more?: Partial<Record<'throughput' | 'latency' | 'catchUp', (round: number) => boolean>>;
}

/** One round of each measurement; `rounds` rounds of each, one after the other. */
export interface CrossNodeRound {
  throughput: {
    clients: number;
    written: number;
    errors: number;
    firstError: string | null;
    /** First post on A until B held the last entry written. */
    seconds: number;
    rate: number;
    /** Entries/s A's API accepted during the write window. */
    writeRate: number;
    /** Entries/s B held during the write window (before the drain). */
    windowRate: number;
    /** From the end of the write window until B held everything. */
    drainMs: number;
    cpuCoresA: number | null;
    cpuCoresB: number | null;
    /** extraCpuSeconds over the window, in cores (null without it). */
    cpuCoresExtra: number | null;
  };
  latency: { samples: number; p50: number; p95: number; p99: number; max: number; postP50: number };
  /** A's API call until A holds B's witness cosignature of a checkpoint covering the entry (ms). */
  witness: WitnessLatency;
  catchUp: {
    entries: number;
    writeSeconds: number;
    /** Restart of B (spawn) until B held every entry. */
    seconds: number;
    /** B listening until B held every entry. */
    secondsFromListening: number;
    restartMs: number;
    rate: number;
    rssMaxMbA: number | null;
    rssMaxMbB: number | null;
    hwmMbB: number | null;
  };
}

export interface CrossNodeResult {
  throughput: Array<CrossNodeRound['throughput']>;
  latency: Array<CrossNodeRound['latency']>;
  witness: Array<CrossNodeRound['witness']>;
  catchUp: Array<CrossNodeRound['catchUp']>;
}

interface Side {
  party: string;
  dataDir: string;
  fingerprint: string;
  /** user id -> bearer token */
  tokens: Record<string, string>;
  server: Spawned | null;
  port: number;
}

async function prepare(
  dataDir: string,
  side: typeof A,
  users: string[],
  databaseUrl?: string,
): Promise<Side> {
  const node = await initNode({
    dataDir,
    party: side.party,
    partyName: `Bench party ${side.party}`,
    adminId: 'admin',
    adminPassword: BENCH_PASSWORD,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  try {
    await addOffice(node, LOCAL_OPERATOR, { id: side.office, name: 'Operations' });
    await Promise.all(
      users.map((id) =>
        addPrincipal(node, LOCAL_OPERATOR, {
          id,
          office: side.office,
          role: 'member',
          title: id,
          password: BENCH_PASSWORD,
        }),
      ),
    );
    const tokens: Record<string, string> = {};
    for (const id of ['admin', ...users]) tokens[id] = await benchToken(node, id);
    return { party: side.party, dataDir, fingerprint: node.fingerprint, tokens, server: null, port: 0 };
  } finally {
    await node.close();
  }
}

async function start(cleanup: Cleanup, root: string, side: Side, port: number): Promise<void> {
  const args = [
    ...profileArgs(),
    join(root, 'bin/parley.js'),
    'serve',
    '--data-dir',
    side.dataDir,
    '--host',
    HOST,
    '--port',
    String(port),
    '--log-level',
    'error',
  ];
  side.server = await spawnUntilReady(
    cleanup,
    args,
    /^parley: listening on http:\/\/127\.0\.0\.1:(\d+)/,
    20_000,
    NODE_ENV,
  );
  side.port = Number(side.server.captured);
}

async function json<T>(
  side: Side,
  user: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const answer = await call(side.port, method, path, { token: side.tokens[user], body });
  return { status: answer.status, body: (answer.body ? JSON.parse(answer.body) : null) as T };
}

async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
  everyMs = 20,
) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`cross-node: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function runCrossNode(cleanup: Cleanup, options: CrossNodeOptions): Promise<CrossNodeResult> {
  const base = cleanup.tempDir('xnode');
  const writers = Array.from({ length: options.principals }, (_, i) => `writer-${i}`);
  progress(`cross-node: preparing two nodes (${A.party}, ${B.party}) in ${base}`);
  const [a, b] = await Promise.all([
    prepare(join(base, 'a'), A, writers),
    prepare(join(base, 'b'), B, ['reader'], options.databaseUrlB),
  ]);
  await Promise.all([start(cleanup, options.root, a, 0), start(cleanup, options.root, b, 0)]);
  const watchB = new ChainWatch(b.dataDir, CHANNEL, A.party);
  const watchA = new ChainWatch(a.dataDir, CHANNEL, A.party);
  try {
    progress(
      `cross-node: ${A.party} on port ${a.port}, ${B.party} on port ${b.port}; pinning by fingerprint`,
    );
    const cli = join(options.root, 'bin/parley.js');
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      await execFileAsync(process.execPath, [
        cli,
        'peer',
        'add',
        `http://${HOST}:${other.port}`,
        '--party',
        other.party,
        '--fingerprint',
        other.fingerprint,
        '--data-dir',
        self.dataDir,
      ]);
    }
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      await until(
        async () =>
          (
            await json<{ peers: Array<{ party: string; status: string }> }>(
              self,
              'admin',
              'GET',
              '/api/v1/peers',
            )
          ).body.peers.some((p) => p.party === other.party && p.status === 'up'),
        `the link ${self.party} -> ${other.party}`,
      );
    }
    const created = await json(a, 'admin', 'POST', '/api/v1/channels', {
      id: CHANNEL,
      name: 'Cross-node bench',
      offices: [A.office],
      peers: { [B.party]: [B.office] },
      languages: ['en'],
    });
    if (created.status !== 201)
      throw new Error(`cross-node: channel not created: ${JSON.stringify(created.body)}`);
    await until(
      async () => (await json(b, 'admin', 'GET', `/api/v1/channels/${CHANNEL}`)).status === 200,
      'the proposal at B',
    );
    const accepted = await json(b, 'admin', 'POST', `/api/v1/channels/${CHANNEL}/accept`);
    if (accepted.status !== 200)
      throw new Error(`cross-node: accept failed: ${JSON.stringify(accepted.body)}`);
    await until(
      async () =>
        (await json<{ state: string }>(a, 'admin', 'GET', `/api/v1/channels/${CHANNEL}`)).body.state ===
        'active',
      'the channel to be active at A',
    );

    const rounds = Math.max(1, options.rounds ?? 1);
    const throughputs: CrossNodeResult['throughput'] = [];
    for (let round = 1; round <= rounds && (options.more?.throughput?.(round) ?? true); round += 1) {
      const of = rounds > 1 ? ` (round ${round}/${rounds})` : '';
      // 1. Sustained throughput, counted where it lands: durable and verified on B.
      progress(
        `cross-node${of}: ${options.clients} clients posting on ${A.party} for ${options.seconds}s, counted when ${B.party} holds them`,
      );
      const before = await watchB.size();
      let heldB = before;
      const stopTicker = ticker('cross-node', `entries held on ${B.party}`, () => heldB - before);
      const sampler = setInterval(() => void watchB.size().then((n) => (heldB = n)), 100);
      const cpuA0 = processCpuSeconds(a.server!.pid);
      const cpuB0 = processCpuSeconds(b.server!.pid);
      const extra0 = options.extraCpuSeconds?.() ?? null;
      const t0 = performance.now();
      const end = t0 + options.seconds * 1000;
      let load;
      let t1;
      let t2;
      let heldAtWindowEnd;
      let target;
      try {
        load = await writeLoad(a, CHANNEL, writers, options.clients, () => performance.now() >= end);
        t1 = performance.now();
        heldAtWindowEnd = await watchB.size();
        target = await watchA.size();
        await until(
          async () => (heldB = await watchB.size()) >= target!,
          `${B.party} to hold all entries`,
          60_000,
          10,
        );
        t2 = performance.now();
      } finally {
        clearInterval(sampler);
        stopTicker();
      }
      const cpuA1 = processCpuSeconds(a.server!.pid);
      const cpuB1 = processCpuSeconds(b.server!.pid);
      const extra1 = options.extraCpuSeconds?.() ?? null;
      const delivered = target - before;
      const throughput = {
        clients: options.clients,
        written: load.written,
        errors: load.errors,
        firstError: load.firstError,
        seconds: (t2 - t0) / 1000,
        rate: (delivered * 1000) / (t2 - t0),
        writeRate: (load.written * 1000) / (t1 - t0),
        windowRate: ((heldAtWindowEnd - before) * 1000) / (t1 - t0),
        drainMs: t2 - t1,
        cpuCoresA: cpuA0 !== null && cpuA1 !== null ? (cpuA1 - cpuA0) / ((t2 - t0) / 1000) : null,
        cpuCoresB: cpuB0 !== null && cpuB1 !== null ? (cpuB1 - cpuB0) / ((t2 - t0) / 1000) : null,
        cpuCoresExtra: extra0 !== null && extra1 !== null ? (extra1 - extra0) / ((t2 - t0) / 1000) : null,
      };
      progress(
        `cross-node${of}: ${delivered} entries held on ${B.party} in ${throughput.seconds.toFixed(1)}s = ${throughput.rate.toFixed(0)}/s (A accepted ${throughput.writeRate.toFixed(0)}/s; drain ${throughput.drainMs.toFixed(0)} ms)`,
      );

      throughputs.push(throughput);
    }
    const latencyRounds: CrossNodeResult['latency'] = [];
    const witnessRounds: CrossNodeResult['witness'] = [];
    for (let round = 1; round <= rounds && (options.more?.latency?.(round) ?? true); round += 1) {
      const of = rounds > 1 ? ` (round ${round}/${rounds})` : '';
      // 2. Latency of single FLASH entries, A's API call to the live event on B's subscriber.
      await sleep(500);
      const db = new Database(databasePath(b.dataDir), { readonly: true, fileMustExist: true });
      const lastCursor =
        (db.prepare('SELECT max(cursor) AS c FROM entries').get() as { c: number | null }).c ?? 0;
      db.close();
      const subscriber = subscribe(b, CHANNEL, 'reader', lastCursor);
      const latencies: number[] = [];
      const posts: number[] = [];
      try {
        await sleep(200);
        progress(
          `cross-node${of}: ${options.latencySamples} FLASH entries one at a time, ${A.party} API -> ${B.party} live event`,
        );
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (let i = 0; i < options.latencySamples; i += 1) {
            const sent = performance.now();
            const answer = await call(a.port, 'POST', `/api/v1/channels/${CHANNEL}/entries`, {
              token: a.tokens[writers[0]!],
              agent,
              body: { kind: 'note', precedence: 'FLASH', body: { text: `FLASH ${i}: ${NOTE_TEXT}` } },
            });
            posts.push(performance.now() - sent);
            if (answer.status !== 201) throw new Error(`cross-node: FLASH post answered ${answer.status}`);
            const id = (JSON.parse(answer.body) as { id: string }).id;
            await until(() => subscriber.arrivals.has(id), `${id} at ${B.party}'s subscriber`, 10_000, 0.5);
            latencies.push(subscriber.arrivals.get(id)! - sent);
            await sleep(10);
          }
        } finally {
          agent.destroy();
        }
      } finally {
        subscriber.close();
      }
      latencies.sort((x, y) => x - y);
      posts.sort((x, y) => x - y);
      const latency = {
        samples: latencies.length,
        p50: quantile(latencies, 0.5),
        p95: quantile(latencies, 0.95),
        p99: quantile(latencies, 0.99),
        max: latencies.at(-1) ?? Number.NaN,
        postP50: quantile(posts, 0.5),
      };
      progress(
        `cross-node${of}: FLASH end to end p50 ${latency.p50.toFixed(2)} ms, p95 ${latency.p95.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms (A's API alone p50 ${latency.postP50.toFixed(2)} ms)`,
      );

      latencyRounds.push(latency);
      witnessRounds.push(
        await witnessLatency(
          { port: a.port, token: a.tokens[writers[0]!]!, dataDir: a.dataDir },
          { channel: CHANNEL, party: A.party, witness: B.party },
          20,
        ),
      );
      const w = witnessRounds.at(-1)!;
      progress(
        `cross-node${of}: append on ${A.party} -> ${B.party}'s cosignature held by ${A.party}: p50 ${w.p50.toFixed(1)} ms, p95 ${w.p95.toFixed(1)} ms (${w.samples} samples)`,
      );
    }
    const catchUps: CrossNodeResult['catchUp'] = [];
    for (let round = 1; round <= rounds && (options.more?.catchUp?.(round) ?? true); round += 1) {
      const of = rounds > 1 ? ` (round ${round}/${rounds})` : '';
      // 3. Catch-up after an outage of B (kill -9), scaled down to a bounded number of entries.
      await until(async () => (await watchB.size()) >= (await watchA.size()), `${B.party} to settle`);
      await watchB.close();
      const portB = b.port;
      progress(
        `cross-node${of}: kill -9 ${B.party}; writing up to ${options.catchUpEntries} entries on ${A.party}`,
      );
      b.server!.child.kill('SIGKILL');
      await new Promise<void>((resolve) => {
        const child = b.server!.child;
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      const outageStart = performance.now();
      const outageEnd = outageStart + options.catchUpWriteSeconds * 1000;
      const outage = await writeLoad(
        a,
        CHANNEL,
        writers,
        options.clients,
        (written) => written >= options.catchUpEntries || performance.now() >= outageEnd,
      );
      const writeSeconds = (performance.now() - outageStart) / 1000;
      const targetCatchUp = await watchA.size();
      progress(
        `cross-node${of}: ${outage.written} entries written on ${A.party} in ${writeSeconds.toFixed(1)}s while ${B.party} was down; restarting ${B.party}`,
      );
      let rssA = 0;
      let rssB = 0;
      const sample = (): void => {
        const ma = processMemoryKb(a.server!.pid);
        const mb = b.server ? processMemoryKb(b.server.pid) : null;
        if (ma) rssA = Math.max(rssA, ma.rss);
        if (mb) rssB = Math.max(rssB, mb.rss);
      };
      const memoryTimer = setInterval(sample, 50);
      const restartAt = performance.now();
      let caughtUp;
      let listeningAt;
      try {
        b.server = null;
        await start(cleanup, options.root, b, portB);
        listeningAt = performance.now();
        await until(
          async () => {
            sample();
            return (await watchB.size()) >= targetCatchUp;
          },
          `${B.party} to catch up`,
          60_000,
          10,
        );
        caughtUp = performance.now();
      } finally {
        clearInterval(memoryTimer);
      }
      const hwmB = processMemoryKb(b.server!.pid)?.hwm ?? null;
      const catchUp = {
        entries: outage.written,
        writeSeconds,
        seconds: (caughtUp - restartAt) / 1000,
        secondsFromListening: (caughtUp - listeningAt) / 1000,
        restartMs: listeningAt - restartAt,
        rate: (outage.written * 1000) / (caughtUp - restartAt),
        rssMaxMbA: rssA > 0 ? rssA / 1024 : null,
        rssMaxMbB: rssB > 0 ? rssB / 1024 : null,
        hwmMbB: hwmB !== null ? hwmB / 1024 : null,
      };
      progress(
        `cross-node${of}: ${B.party} caught up ${catchUp.entries} entries in ${catchUp.seconds.toFixed(2)}s after restart (${catchUp.rate.toFixed(0)}/s; listening after ${catchUp.restartMs.toFixed(0)} ms); peak VmRSS ${A.party} ${catchUp.rssMaxMbA?.toFixed(1)} MiB, ${B.party} ${catchUp.rssMaxMbB?.toFixed(1)} MiB`,
      );
      catchUps.push(catchUp);
    }
    return { throughput: throughputs, latency: latencyRounds, witness: witnessRounds, catchUp: catchUps };
  } finally {
    await watchA.close();
    await watchB.close();
    await Promise.all([a.server?.stop(), b.server?.stop()]);
  }
}
