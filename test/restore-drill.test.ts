/**
 * The backup/restore drill against real `parley serve` processes (integrity case 5): RU and US
 * federate; RU is backed up while serving, writes two more entries that reach US, is stopped,
 * restored from the backup and started again. At start RU must recover the two entries from US
 * before it accepts a write, so that its next entry continues its chain instead of forking it:
 * no fork evidence at US, the link stays up, and both nodes verify. Then the window in which a
 * recovering node refuses writes (503 `recovering`), made deterministic with a slow proxy.
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath } from '../src/node/data-dir.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import type { RecoveryStatus } from '../src/federation/recovery.js';
import { hammer, type Accepted } from './support/append-load.js';
import { startChaosProxy, type ChaosProxy } from './support/chaos-proxy.js';
import {
  freePort,
  api,
  eventually,
  openChannel,
  peerUp,
  runCli,
  runCliAsync,
  startParty,
  startServe,
  tempDir,
  type PartyNode,
} from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;
let proxy: ChaosProxy | null = null;

beforeAll(async () => {
  [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  peerUp(ru, us);
  await openChannel(ru, us);
}, 240_000);

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
  await proxy?.close();
});

/** How much of `party`'s chain in `intel` the node holds. */
async function held(node: PartyNode, party: string): Promise<number> {
  const storage = SqliteStorage.open(databasePath(node.dataDir), { readonly: true });
  try {
    return (await storage.getChainHead('intel', party))?.size ?? 0;
  } finally {
    await storage.close();
  }
}

async function forksAt(node: PartyNode): Promise<number> {
  const storage = SqliteStorage.open(databasePath(node.dataDir), { readonly: true });
  try {
    return (await storage.listForks()).length;
  } finally {
    await storage.close();
  }
}

function note(node: PartyNode, text: string) {
  const user = `${node.party.toLowerCase()}-duty`;
  return api<{ seq: number; hash: string; error?: { code: string } }>(
    node,
    user,
    'POST',
    '/api/v1/channels/intel/entries',
    { kind: 'note', lang: 'en', body: { text } },
  );
}

/** Waits until US holds all of RU's chain, and returns its size. */
async function replicated(): Promise<number> {
  return eventually(
    async () => {
      const [atRu, atUs] = await Promise.all([held(ru, 'RU'), held(us, 'RU')]);
      return atRu > 0 && atRu === atUs ? atRu : undefined;
    },
    20_000,
    "RU's chain at US",
  );
}

describe('backup, restore and recovery from peers', () => {
  it('recovers the entries written after the backup from the peer and continues the chain', async () => {
    for (let i = 0; i < 3; i += 1) expect((await note(ru, `before backup ${i}`)).status).toBe(201);
    await replicated();

    const file = join(tempDir('parley-backup-'), 'ru.db');
    const backup = runCli(['backup', '--out', file, '--data-dir', ru.dataDir, '--json']);
    expect(backup.status, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ party: 'RU', path: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A second backup to the same file is refused rather than overwriting it.
    expect(runCli(['backup', '--out', file, '--data-dir', ru.dataDir]).status).not.toBe(0);

    for (let i = 0; i < 2; i += 1) expect((await note(ru, `after backup ${i}`)).status).toBe(201);
    const size = await replicated();

    // Refused while the node runs on the data directory.
    const busy = runCli(['restore', '--from', file, '--data-dir', ru.dataDir]);
    expect(busy.status).not.toBe(0);
    expect(busy.stderr).toMatch(/in use/);

    await ru.serve.stop();
    const restored = runCli(['restore', '--from', file, '--data-dir', ru.dataDir, '--json']);
    expect(restored.status, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ party: 'RU' });
    expect(await held(ru, 'RU')).toBeLessThan(size);

    await ru.restart();
    expect(await held(ru, 'RU')).toBe(size);
    const alerts = await api<{ recovering: boolean; recovery: RecoveryStatus }>(
      ru,
      'admin',
      'GET',
      '/api/v1/recovery',
    );
    expect(alerts.status).toBe(200);
    expect(alerts.body.recovering).toBe(false);
    expect(alerts.body.recovery.peers).toEqual({ US: 'answered' });
    const recovered = alerts.body.recovery.recovered.reduce((n, r) => n + r.count, 0);
    expect(recovered).toBeGreaterThanOrEqual(2);
    expect(alerts.body.recovery.recovered[0]).toMatchObject({ channel: 'intel', party: 'RU', peer: 'US' });
    expect(ru.serve.output()).toMatch(/recovered \d+ entries of chain intel\/RU/);

    const next = await note(ru, 'after restore');
    expect(next.status).toBe(201);
    expect(next.body.seq).toBe(size);
    expect(await replicated()).toBeGreaterThan(size);
    expect(await forksAt(us)).toBe(0);
    const usAlerts = await api<{ forks: unknown[] }>(us, 'admin', 'GET', '/api/v1/alerts');
    expect(usAlerts.body.forks).toEqual([]);
    await eventually(
      async () => {
        const peers = await api<{ peers: Array<{ party: string; status: string }> }>(
          us,
          'admin',
          'GET',
          '/api/v1/peers',
        );
        return peers.body.peers.find((p) => p.party === 'RU')?.status === 'up';
      },
      20_000,
      'link up at US',
    );
    for (const node of [ru, us]) {
      const verify = runCli(['verify', '--data-dir', node.dataDir, '--json']);
      expect(verify.status, verify.stdout).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    }
  }, 120_000);

  it('takes a consistent backup while clients append', async () => {
    const accepted: Accepted[] = [];
    const stop = new AbortController();
    const writers = [0, 1].map((c) =>
      hammer(ru.url, ru.tokens['ru-duty']!, stop.signal, accepted, `load${c}`),
    );
    await eventually(async () => accepted.length >= 50, 20_000, 'appends flowing');
    const dir = tempDir('parley-backup-');
    const file = join(dir, 'busy.db');
    // Asynchronously, so that this process's writers keep appending while the copy is made.
    const during = accepted.length;
    const backup = await runCliAsync(['backup', '--out', file, '--data-dir', ru.dataDir, '--json']);
    const written = accepted.length - during;
    stop.abort();
    await Promise.all(writers);
    expect(backup.status, backup.stderr).toBe(0);
    expect(written).toBeGreaterThan(0);
    // The copy, with the node's key beside it, is a data directory that verifies.
    const copy = join(dir, 'node');
    mkdirSync(copy, { mode: 0o700 });
    copyFileSync(join(ru.dataDir, 'node.key'), join(copy, 'node.key'));
    copyFileSync(file, join(copy, 'parley.db'));
    const verify = runCli(['verify', '--data-dir', copy, '--json']);
    expect(verify.status, verify.stdout).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    await replicated();
  }, 60_000);

  it('refuses a backup of another node', async () => {
    const file = join(tempDir('parley-backup-'), 'us.db');
    expect(runCli(['backup', '--out', file, '--data-dir', us.dataDir]).status).toBe(0);
    await ru.serve.stop();
    try {
      const refused = runCli(['restore', '--from', file, '--data-dir', ru.dataDir]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/backup of another node \(party US/);
    } finally {
      await ru.restart();
    }
  }, 60_000);

  it('refuses writes with 503 recovering until the peer has answered, then accepts them', async () => {
    await ru.serve.stop();
    proxy = await startChaosProxy(us.url);
    // Asynchronously: the proxy runs in this process and must forward the identity request.
    const repin = await runCliAsync([
      'peer',
      'add',
      proxy.url,
      '--party',
      'US',
      '--fingerprint',
      us.fingerprint,
      '--data-dir',
      ru.dataDir,
    ]);
    expect(repin.status, repin.stderr).toBe(0);
    proxy.setMode({ kind: 'delay', ms: 3000 });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const starting = startServe(ru.dataDir, [], {}, port);
    const refused = await eventually(
      async () => {
        try {
          const response = await fetch(`${url}/api/v1/channels/intel/entries`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ru.tokens['ru-duty']}`, 'content-type': 'application/json' },
            body: JSON.stringify({ kind: 'note', lang: 'en', body: { text: 'while recovering' } }),
          });
          return response;
        } catch {
          return undefined; // not listening yet
        }
      },
      10_000,
      'RU listening',
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('recovering');
    ru.serve = await starting;
    ru.url = url;
    expect((await note(ru, 'after recovery')).status).toBe(201);
    proxy.setMode({ kind: 'pass' });

    // A peer that does not answer in time: the node proceeds and says so.
    await ru.serve.stop();
    proxy.setMode({ kind: 'delay', ms: 8000 });
    ru.serve = await startServe(ru.dataDir, [], { PARLEY_RECOVERY_TIMEOUT_MS: '1000' }, port);
    const alerts = await api<{ recovery: RecoveryStatus }>(ru, 'admin', 'GET', '/api/v1/recovery');
    expect(alerts.body.recovery.peers).toEqual({ US: 'timed_out' });
    expect(alerts.body.recovery.alerts[0]?.message).toMatch(/did not answer within 1000 ms/);
    expect(ru.serve.output()).toMatch(/did not answer within 1000 ms/);
    proxy.setMode({ kind: 'pass' });
  }, 90_000);
});
