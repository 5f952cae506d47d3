/**
 * Tests for the SQLite backend: the shared storage contract on temporary files, plus what is
 * specific to SQLite (file modes, pragmas, migrations, several connections on one file).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bareChannel, headAfter, plainEntry as entry, raceOneEntry } from '../contract-fixtures.js';
import { runStorageContract } from '../contract-suite.js';
import { ChainConflictError } from '../storage.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js';
import { SchemaTooNewError } from '../sql/schema.js';
import { SqliteStorage } from './sqlite-storage.js';

const tempDirs: string[] = [];

function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
  tempDirs.push(dir);
  return join(dir, 'parley.db');
}

async function removeTempDirs(): Promise<void> {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let contractPath = '';
runStorageContract(
  'sqlite',
  async () => {
    contractPath = tempDbPath();
    return SqliteStorage.open(contractPath);
  },
  removeTempDirs,
  { reopen: async () => SqliteStorage.open(contractPath) },
);

const STORAGE_MODULE = fileURLToPath(new URL('./sqlite-storage.ts', import.meta.url));

/**
 * A writer in a separate process (so the two really run at once): it reads the head, appends
 * the next entry and retries on ChainConflictError until it has appended `count` entries.
 */
const RACE_WRITER = `
  import { createHash } from 'node:crypto';
  const { SqliteStorage } = await import(process.env.STORAGE_MODULE);
  const [path, writer, count] = [process.env.DB_PATH, process.env.WRITER, Number(process.env.COUNT)];
  const storage = SqliteStorage.open(path);
  // Both writers start together, whatever their start-up times were.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.START_AT) - Date.now()));
  let appended = 0;
  let conflicts = 0;
  while (appended < count) {
    const head = await storage.getChainHead('c1', 'P');
    const canonical = JSON.stringify({ prev: head.hash, seq: head.size, writer, n: appended });
    const hash = createHash('sha256').update(canonical).digest('hex');
    const entry = { channel: 'c1', party: 'P', seq: head.size, hash, canonical, sig: 's', kind: 'message',
      author: writer, precedence: 'ROUTINE', hlc: 'h', ref: null, storedAt: Date.now() };
    try {
      await storage.appendEntries([entry], [{ ...head, size: head.size + 1, hash }]);
      appended += 1;
    } catch (error) {
      if (error.name !== 'ChainConflictError') throw error;
      conflicts += 1;
    }
  }
  await storage.close();
  console.log(JSON.stringify({ appended, conflicts }));
`;

function runRaceWriter(
  path: string,
  writer: string,
  count: number,
  startAt: number,
): Promise<{ appended: number; conflicts: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RACE_WRITER], {
      env: {
        ...process.env,
        STORAGE_MODULE,
        DB_PATH: path,
        WRITER: writer,
        COUNT: String(count),
        START_AT: String(startAt),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim()) as { appended: number; conflicts: number });
      else reject(new Error(`writer ${writer} exited with ${String(code)}: ${stderr}`));
    });
  });
}

describe('SqliteStorage (sqlite-specific)', () => {
  const open: SqliteStorage[] = [];
  const track = (storage: SqliteStorage): SqliteStorage => {
    open.push(storage);
    return storage;
  };

  afterEach(async () => {
    for (const storage of open.splice(0)) await storage.close();
    await removeTempDirs();
  });

  it('creates the database file (and its parent directory) with mode 0600', () => {
    const path = join(tempDbPath(), '..', 'nested', 'dir', 'node.db');
    const storage = track(SqliteStorage.open(path));
    expect(storage.engine).toBe('sqlite');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const suffix of ['-wal', '-shm']) {
      expect(statSync(`${path}${suffix}`).mode & 0o777).toBe(0o600);
    }
  });

  it('tightens an existing database file with a wider mode', async () => {
    const path = tempDbPath();
    await SqliteStorage.open(path).close();
    chmodSync(path, 0o644);
    track(SqliteStorage.open(path));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('uses WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = track(SqliteStorage.open(tempDbPath())).rawDatabase();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
  });

  it('records migrations once and does not reapply them on reopen', async () => {
    const path = tempDbPath();
    const first = SqliteStorage.open(path);
    const rows = () =>
      first.rawDatabase().prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    const recorded = rows();
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    await first.close();

    const second = track(SqliteStorage.open(path));
    const again = second
      .rawDatabase()
      .prepare('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(again.all()).toEqual(recorded);
    expect(LATEST_SCHEMA_VERSION).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
  });

  it('refuses to open a database written by a newer schema', async () => {
    const path = tempDbPath();
    const storage = SqliteStorage.open(path);
    storage
      .rawDatabase()
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(LATEST_SCHEMA_VERSION + 1, 'from the future', 0);
    await storage.close();
    expect(() => SqliteStorage.open(path)).toThrow(SchemaTooNewError);
    expect(() => SqliteStorage.open(path)).toThrow(/newer than this build supports/);
    expect(() => SqliteStorage.open(path, { readonly: true })).toThrow(SchemaTooNewError);
  });

  it('opens read-only without allowing writes', async () => {
    const path = tempDbPath();
    const writer = track(SqliteStorage.open(path));
    await writer.addOffice({ id: 'ops', name: 'Operations' });
    const reader = track(SqliteStorage.open(path, { readonly: true }));
    expect(await reader.getOffice('ops')).toEqual({ id: 'ops', name: 'Operations' });
    await expect(reader.addOffice({ id: 'x', name: 'X' })).rejects.toThrow(/readonly/i);
    expect(() => SqliteStorage.open(join(tempDbPath(), '..', 'missing.db'), { readonly: true })).toThrow();
  });

  it('never forks a chain when two connections append the same seq', async () => {
    const path = tempDbPath();
    const a = track(SqliteStorage.open(path));
    const b = track(SqliteStorage.open(path));
    const genesis = entry('c1', 'P', 0, null, 'genesis');
    await a.createChannel(bareChannel('c1'), [genesis], headAfter(genesis));

    // Both writers read the same head, then race to extend it with different entries.
    const headA = await a.getChainHead('c1', 'P');
    const headB = await b.getChainHead('c1', 'P');
    expect(headA).toEqual(headB);
    const fromA = entry('c1', 'P', 1, headA!.hash, 'from a');
    const fromB = entry('c1', 'P', 1, headB!.hash, 'from b');
    const rejected = await raceOneEntry([a, b], [fromA, fromB]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(ChainConflictError);

    const chain = await b.readChain('c1', 'P', 0, 10);
    expect(chain).toHaveLength(2);
    expect(await a.getChainHead('c1', 'P')).toEqual(headAfter(chain[1]!));
    expect(JSON.parse(chain[1]!.canonical)).toMatchObject({ prev: genesis.hash });
  });

  it('never forks a chain when two processes race to extend it', async () => {
    const path = tempDbPath();
    const setup = track(SqliteStorage.open(path));
    const genesis = entry('c1', 'P', 0, null, 'genesis');
    await setup.createChannel(bareChannel('c1'), [genesis], headAfter(genesis));
    const perWriter = 30;
    const startAt = Date.now() + 2500;
    const results = await Promise.all(
      ['w1', 'w2'].map((writer) => runRaceWriter(path, writer, perWriter, startAt)),
    );
    expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(2 * perWriter);

    const chain = await setup.readChain('c1', 'P', 0, 1000);
    expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 2 * perWriter + 1 }, (_, i) => i));
    for (let i = 1; i < chain.length; i += 1) {
      expect(JSON.parse(chain[i]!.canonical)).toMatchObject({ prev: chain[i - 1]!.hash });
    }
    expect(await setup.getChainHead('c1', 'P')).toMatchObject({
      size: chain.length,
      hash: chain.at(-1)!.hash,
    });
  });

  it('opens a private in-memory database for ":memory:"', async () => {
    const storage = track(SqliteStorage.open(':memory:'));
    await storage.addOffice({ id: 'ops', name: 'Operations' });
    expect(await storage.listOffices()).toHaveLength(1);
  });

  it('rejects appends to an unknown channel', async () => {
    const storage = track(SqliteStorage.open(tempDbPath()));
    const first = entry('nope', 'P', 0, null, 'x');
    await expect(storage.appendEntries([first], [headAfter(first)])).rejects.toThrow(/unknown channel/);
  });

  it('exposes the raw database so tests can tamper with stored entries', async () => {
    const storage = track(SqliteStorage.open(tempDbPath()));
    const genesis = entry('c1', 'P', 0, null, 'genesis');
    await storage.createChannel(bareChannel('c1'), [genesis], headAfter(genesis));
    storage
      .rawDatabase()
      .prepare("UPDATE entries SET canonical = replace(canonical, 'genesis', 'genesiS') WHERE seq = 0")
      .run();
    expect((await storage.getEntry('c1', 'P', 0))?.canonical).toContain('genesiS');
    storage.checkpointWal();
  });
});
