/**
 * Moving a whole node between SQLite and PostgreSQL with real processes: node RU (SQLite)
 * federates with US over HTTP, is exported with `parley export --all`, imported into PostgreSQL
 * with `parley import --database-url`, served from there on its old address and keeps exchanging
 * entries with US; then moved back into SQLite the same way. `parley verify` passes on every
 * side after every move, and the same API tokens and pinned peers keep working. Bad input (a
 * truncated or edited file, a non-empty target, another node's key) is refused with a clear
 * error and nothing written.
 *
 * Each step starts real processes (a dozen CLI runs per move), so the tests have bounds of a
 * few minutes rather than the default minute.
 *
 * Needs PostgreSQL (PARLEY_TEST_DATABASE_URL, default 127.0.0.1:5432/test): skipped without one,
 * failing in CI (CI=true). Each run uses its own schemas and drops them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  dropSchemas,
  skipWithoutPostgres,
  uniqueSchema,
  urlWithSchema,
} from '../src/storage/postgres/test-support/postgres-server.js';
import {
  api,
  eventually,
  openChannel,
  peerUp,
  runCli,
  startParty,
  startServe,
  tempDir,
  type PartyNode,
} from './support/node-process.js';

const skip = await skipWithoutPostgres('the node move test');

interface Entry {
  cursor: number;
  party: string;
  seq: number;
  hash: string;
}

/** Every entry of a channel as the node holds it, `party/seq/hash`, sorted; and the last cursor. */
async function entriesOf(node: PartyNode, channel: string): Promise<{ ids: string[]; lastCursor: number }> {
  const ids: string[] = [];
  let after = 0;
  for (;;) {
    const page = await api<{ entries: Entry[]; next: number }>(
      node,
      `${node.party.toLowerCase()}-head`,
      'GET',
      `/api/v1/channels/${channel}/entries?after=${after}&limit=500`,
    );
    if (page.status !== 200)
      throw new Error(`entries of ${channel}: ${page.status} ${JSON.stringify(page.body)}`);
    for (const e of page.body.entries) ids.push(`${e.party}/${e.seq}/${e.hash}`);
    if (page.body.entries.length === 0) return { ids: ids.sort(), lastCursor: after };
    after = page.body.next;
  }
}

async function send(node: PartyNode, user: string, text: string): Promise<Entry> {
  const posted = await api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', {
    kind: 'note',
    lang: 'en',
    body: { text },
  });
  if (posted.status !== 201)
    throw new Error(`send at ${node.party}: ${posted.status} ${JSON.stringify(posted.body)}`);
  return posted.body;
}

/** Writes on both sides, then waits until both hold the same entries. */
async function exchange(ru: PartyNode, us: PartyNode, round: string, count = 6): Promise<string[]> {
  for (let i = 0; i < count; i += 1) {
    await send(ru, 'ru-duty', `${round}: RU ${i}`);
    await send(us, 'us-duty', `${round}: US ${i}`);
  }
  return eventually(
    async () => {
      const [a, b] = await Promise.all([entriesOf(ru, 'intel'), entriesOf(us, 'intel')]);
      return a.ids.length > 0 && a.ids.join() === b.ids.join() ? a.ids : undefined;
    },
    30_000,
    `identical replicas after ${round}`,
  );
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // An inherited PARLEY_DATABASE_URL must not redirect these commands.
  return runCli(args, { PARLEY_DATABASE_URL: '' });
}

function verifyOk(dataDir: string): void {
  const verify = cli(['verify', '--data-dir', dataDir, '--json']);
  expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
}

/** Stops `node`, exports it, imports it into a new data directory, and serves it on its old port. */
async function moveNode(
  node: PartyNode,
  databaseUrl: string | null,
): Promise<{ dataDir: string; exported: Record<string, unknown>; imported: Record<string, unknown> }> {
  await node.serve.stop();
  const file = join(tempDir('parley-move-'), 'node.jsonl');
  const exported = cli(['export', '--all', '--to', file, '--data-dir', node.dataDir, '--json']);
  expect(exported.status, exported.stderr).toBe(0);
  const dataDir = join(tempDir('parley-moved-'), 'node');
  const imported = cli([
    'import',
    file,
    '--data-dir',
    dataDir,
    '--node-key',
    join(node.dataDir, 'node.key'),
    ...(databaseUrl ? ['--database-url', databaseUrl] : []),
    '--json',
  ]);
  expect(imported.status, imported.stderr).toBe(0);
  verifyOk(dataDir);
  const port = Number(new URL(node.url).port);
  node.serve = await startServe(dataDir, [], {}, port);
  node.dataDir = dataDir;
  return { dataDir, exported: JSON.parse(exported.stdout), imported: JSON.parse(imported.stdout) };
}

describe.skipIf(skip)('moving a node between SQLite and PostgreSQL', () => {
  const schemas = [uniqueSchema('parley_move'), uniqueSchema('parley_move'), uniqueSchema('parley_move')];
  let ru: PartyNode;
  let us: PartyNode;

  beforeAll(async () => {
    [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
    peerUp(ru, us);
    await openChannel(ru, us);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
    await dropSchemas(schemas);
  });

  it('moves SQLite → PostgreSQL → SQLite while federating, and verifies on both sides after each move', async () => {
    const before = await exchange(ru, us, 'before the move');
    const { lastCursor } = await entriesOf(ru, 'intel');

    const toPostgres = await moveNode(ru, urlWithSchema(schemas[0]!));
    expect(toPostgres.exported).toMatchObject({ party: 'RU', engine: 'sqlite' });
    expect(toPostgres.imported).toMatchObject({
      party: 'RU',
      engine: 'postgres',
      source: { engine: 'sqlite' },
    });
    expect(toPostgres.imported.rows).toBe(toPostgres.exported.rows);
    expect(readFileSync(join(toPostgres.dataDir, 'storage.json'), 'utf8')).toContain(schemas[0]);
    expect(existsSync(join(toPostgres.dataDir, 'parley.db'))).toBe(false);

    // The same tokens, the same entries, and new entries continue after the old cursors.
    // Everything held before the move (the node may have added its own receipts since).
    expect((await entriesOf(ru, 'intel')).ids).toEqual(expect.arrayContaining(before));
    const next = await send(ru, 'ru-duty', 'first entry written from PostgreSQL');
    const later = await api<{ entries: Entry[] }>(
      ru,
      'ru-head',
      'GET',
      `/api/v1/channels/intel/entries?after=${lastCursor}&limit=500`,
    );
    expect(later.body.entries.map((e) => e.hash)).toContain(next.hash);
    expect(later.body.entries.every((e) => e.cursor > lastCursor)).toBe(true);
    const afterFirst = await exchange(ru, us, 'on PostgreSQL');
    expect(afterFirst.length).toBeGreaterThanOrEqual(before.length + 13);
    verifyOk(us.dataDir);
    verifyOk(ru.dataDir);

    const backToSqlite = await moveNode(ru, null);
    expect(backToSqlite.imported).toMatchObject({ engine: 'sqlite', source: { engine: 'postgres' } });
    expect(existsSync(join(backToSqlite.dataDir, 'parley.db'))).toBe(true);
    expect((await entriesOf(ru, 'intel')).ids).toEqual(expect.arrayContaining(afterFirst));
    const afterSecond = await exchange(ru, us, 'back on SQLite');
    expect(afterSecond.length).toBeGreaterThanOrEqual(afterFirst.length + 12);
    const peers = await api<Array<{ party: string }>>(ru, 'admin', 'GET', '/api/v1/peers');
    expect(JSON.stringify(peers.body)).toContain('US');
    verifyOk(ru.dataDir);
    verifyOk(us.dataDir);
  }, 240_000);

  it('refuses a truncated or edited file, a non-empty target and another node’s key, writing nothing', async () => {
    // RU serves from SQLite now (the move above); export it as it runs.
    const dir = tempDir('parley-move-bad-');
    const file = join(dir, 'ru.jsonl');
    const exported = cli(['export', '--all', '--to', file, '--data-dir', ru.dataDir]);
    expect(exported.status, exported.stderr).toBe(0);
    const again = cli(['export', '--all', '--to', file, '--data-dir', ru.dataDir]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/exists; choose a new file/);
    const text = readFileSync(file, 'utf8');
    const key = join(ru.dataDir, 'node.key');

    const truncated = join(dir, 'truncated.jsonl');
    let cut = Math.floor(text.length * 0.6);
    while (text[cut - 1] === '\n') cut -= 1;
    writeFileSync(truncated, text.slice(0, cut), { mode: 0o600 });
    const cutAtLine = join(dir, 'cut-at-line.jsonl');
    writeFileSync(cutAtLine, `${text.split('\n').slice(0, 3).join('\n')}\n`, { mode: 0o600 });
    const edited = join(dir, 'edited.jsonl');
    writeFileSync(edited, text.replace('before the move: RU 0', 'before the move: RU 9'), { mode: 0o600 });
    expect(readFileSync(edited, 'utf8')).not.toBe(text);

    const cases: Array<[string, RegExp]> = [
      [truncated, /is truncated: its last line is incomplete/],
      [cutAtLine, /is truncated: it ends at line 3 without its end record/],
      [edited, /was changed after it was written: its SHA-256 is [0-9a-f]{64}, its end record says/],
    ];
    for (const [bad, message] of cases) {
      for (const url of [null, urlWithSchema(schemas[1]!)]) {
        const target = join(tempDir('parley-move-target-'), 'node');
        const result = cli([
          'import',
          bad,
          '--data-dir',
          target,
          '--node-key',
          key,
          ...(url ? ['--database-url', url] : []),
        ]);
        expect(result.status, result.stdout).toBe(1);
        expect(result.stderr).toMatch(message);
        expect(existsSync(target)).toBe(false);
      }
    }
    const created = await adminQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schemas[1]]);
    expect(created.rowCount).toBe(0);

    // A non-empty target: RU's own running data directory, and the PostgreSQL schema RU lived in.
    const entriesBefore = (await entriesOf(ru, 'intel')).ids.length;
    const intoItself = cli(['import', file, '--data-dir', ru.dataDir]);
    expect(intoItself.status).toBe(1);
    expect(intoItself.stderr).toMatch(/already holds the node of RU .*import only into an empty node/);
    const intoOldSchema = cli([
      'import',
      file,
      '--data-dir',
      join(tempDir('parley-move-target-'), 'node'),
      '--node-key',
      key,
      '--database-url',
      urlWithSchema(schemas[0]!),
    ]);
    expect(intoOldSchema.status).toBe(1);
    expect(intoOldSchema.stderr).toMatch(/PostgreSQL schema .* already holds the node of RU/);
    expect((await entriesOf(ru, 'intel')).ids.length).toBe(entriesBefore);

    // Another node's key.
    const target = join(tempDir('parley-move-target-'), 'node');
    const wrongKey = cli(['import', file, '--data-dir', target, '--node-key', join(us.dataDir, 'node.key')]);
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toMatch(/is not the key of the exported node \(party RU/);
    expect(existsSync(target)).toBe(false);

    // The good file still imports into an empty PostgreSQL schema, and verifies there.
    const good = join(tempDir('parley-move-target-'), 'node');
    const imported = cli([
      'import',
      file,
      '--data-dir',
      good,
      '--node-key',
      key,
      '--database-url',
      urlWithSchema(schemas[2]!),
    ]);
    expect(imported.status, imported.stderr).toBe(0);
    verifyOk(good);
  }, 180_000);
});
