/**
 * Tests for the PostgreSQL backend: the shared storage contract, each test in a fresh schema of
 * the test database (dropped afterwards), plus what is specific to PostgreSQL (schemas, URL
 * handling, migrations, several pools racing on one chain).
 *
 * Needs a server (see test-support/postgres-server.ts): skipped without one, failing in CI.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  bareChannel as channel,
  headAfter,
  plainEntry as entry,
  raceOneEntry,
} from '../contract-fixtures.js';
import { runStorageContract } from '../contract-suite.js';
import { ChainConflictError, type StoredEntry } from '../storage.js';
import { DEFAULT_SCHEMA, parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js';
import { SchemaTooNewError } from '../sql/schema.js';
import { PostgresStorage } from './postgres-storage.js';
import {
  IN_CI,
  adminQuery,
  dropSchemas,
  probePostgres,
  skipWithoutPostgres,
  uniqueSchema,
  urlWithSchema,
} from './test-support/postgres-server.js';

const skip = await skipWithoutPostgres('PostgreSQL storage tests');

/** Schemas created by the current test, dropped after it. */
const schemas: string[] = [];
const open: PostgresStorage[] = [];

async function openFresh(schema = uniqueSchema()): Promise<PostgresStorage> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const storage = await PostgresStorage.open(urlWithSchema(schema));
  open.push(storage);
  return storage;
}

async function cleanUp(): Promise<void> {
  for (const storage of open.splice(0)) await storage.close();
  await dropSchemas(schemas.splice(0));
}

describe.runIf(IN_CI)('PostgreSQL test server', () => {
  it('is reachable (CI provides one)', async () => {
    expect(await probePostgres()).toBeNull();
  });
});

describe.skipIf(skip)('PostgresStorage', () => {
  afterAll(cleanUp);

  let contractSchema = '';
  runStorageContract(
    'postgres',
    async () => {
      contractSchema = uniqueSchema();
      schemas.push(contractSchema);
      return PostgresStorage.open(urlWithSchema(contractSchema));
    },
    cleanUp,
    {
      reopen: async () => PostgresStorage.open(urlWithSchema(contractSchema)),
      openSibling: async () => PostgresStorage.open(urlWithSchema(contractSchema)),
      whenListening: async (store) => (store as PostgresStorage).listening(),
    },
  );

  describe('postgres-specific', () => {
    afterEach(cleanUp);

    it('splits the schema out of the URL, validates it and never shows the password', () => {
      const target = parseDatabaseUrl(
        'postgres://u:secret@127.0.0.1:5432/db?schema=parley_ru&sslmode=disable',
      );
      expect(target.schema).toBe('parley_ru');
      expect(target.connectionString).toBe('postgres://u:secret@127.0.0.1:5432/db?sslmode=disable');
      expect(target.options).toBe('-c search_path=parley_ru -c synchronous_commit=on');
      expect(parseDatabaseUrl('postgres://u@h/db').schema).toBe(DEFAULT_SCHEMA);
      expect(parseDatabaseUrl('postgres://u@h/db?options=-c%20work_mem%3D8MB&schema=x').options).toBe(
        '-c work_mem=8MB -c search_path=x -c synchronous_commit=on',
      );
      for (const bad of ['Parley', '1abc', 'a-b', 'a;drop', `a${'b'.repeat(63)}`, '']) {
        expect(() => parseDatabaseUrl(`postgres://u@h/db?schema=${encodeURIComponent(bad)}`)).toThrow(
          /schema name/,
        );
      }
      expect(redactDatabaseUrl('postgres://u:secret@h:5432/db?schema=x')).toBe(
        'postgres://u@h:5432/db?schema=x',
      );
      expect(() => parseDatabaseUrl('mysql://u:secret@h/db')).toThrow(/postgres:\/\//);
      expect(() => parseDatabaseUrl('not a url with secret')).not.toThrow(/secret/);
    });

    it('creates its schema, keeps nodes in different schemas apart and uses synchronous_commit', async () => {
      const a = await openFresh();
      const b = await openFresh();
      await a.addOffice({ id: 'ops', name: 'A ops' });
      expect(await b.getOffice('ops')).toBeNull();
      await b.addOffice({ id: 'ops', name: 'B ops' });
      expect((await a.getOffice('ops'))?.name).toBe('A ops');
      const [settings] = await a.rawQuery<{ search_path: string; synchronous_commit: string }>(
        "SELECT current_setting('search_path') AS search_path, current_setting('synchronous_commit') AS synchronous_commit",
      );
      expect(settings).toEqual({ search_path: a.schema, synchronous_commit: 'on' });
      expect(a.engine).toBe('postgres');
      expect(a.warnings).toEqual([]);
    });

    it('returns BIGINT columns as exact JS numbers', async () => {
      const storage = await openFresh();
      const at = 2 ** 52 + 1;
      const event = { seq: 1, at, actor: null, action: 'x', subject: null, address: null, details: '{}' };
      const sealed = { ...event, prevHash: '', hash: 'h', nodeKey: 'k', sig: 's' };
      await storage.appendSecurityEvent(() => ({
        event: sealed,
        head: { seq: 1, hash: 'h', nodeKey: 'k', sig: 's' },
      }));
      expect((await storage.readSecurityTrail(0, 1))[0]!.at).toBe(at);
      expect(await storage.countEntries()).toBe(0);
      await storage.rawQuery(
        `INSERT INTO security_events (seq, at, action, details, prev_hash, hash, node_key, sig)
         VALUES (2, $1, 'y', '{}', 'h', 'h2', 'k', 's')`,
        ['9007199254740993'],
      );
      await expect(storage.readSecurityTrail(1, 1)).rejects.toThrow(/safe range/);
    });

    it('records migrations once and does not reapply them on reopen', async () => {
      const schema = uniqueSchema();
      const first = await openFresh(schema);
      const rows = () =>
        first.rawQuery<{ version: number; name: string }>(
          'SELECT version, name FROM schema_migrations ORDER BY version',
        );
      const recorded = await rows();
      expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      await openFresh(schema);
      expect(await rows()).toEqual(recorded);
      expect(LATEST_SCHEMA_VERSION).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    });

    it('migrates once when several processes open a fresh schema at the same time', async () => {
      const schema = uniqueSchema();
      await Promise.all([openFresh(schema), openFresh(schema), openFresh(schema)]);
      const rows = await adminQuery(`SELECT version FROM ${schema}.schema_migrations`);
      expect(rows.rowCount).toBe(MIGRATIONS.length);
    });

    it('refuses to open a schema written by a newer version, changing nothing', async () => {
      const schema = uniqueSchema();
      const storage = await openFresh(schema);
      await storage.rawQuery(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [LATEST_SCHEMA_VERSION + 1, 'from the future', 0],
      );
      const attempt = PostgresStorage.open(urlWithSchema(schema));
      await expect(attempt).rejects.toBeInstanceOf(SchemaTooNewError);
      await expect(attempt).rejects.toThrow(/newer than this build supports/);
      const versions = await storage.rawQuery<{ version: number }>('SELECT version FROM schema_migrations');
      expect(versions).toHaveLength(MIGRATIONS.length + 1);
    });

    it('fails clearly, without the password, when the server refuses the connection', async () => {
      const attempt = PostgresStorage.open('postgres://nobody:hunter2@127.0.0.1:1/test?schema=x', {
        connectionTimeoutMs: 2000,
      });
      await expect(attempt).rejects.toThrow(
        /cannot open PostgreSQL schema 'x' at postgres:\/\/nobody@127\.0\.0\.1:1/,
      );
      await expect(attempt).rejects.not.toThrow(/hunter2/);
    });

    it('rejects appends to an unknown channel', async () => {
      const storage = await openFresh();
      const first = entry('nope', 'P', 0, null, 'x');
      await expect(storage.appendEntries([first], [headAfter(first)])).rejects.toThrow(/unknown channel/);
    });

    it('never forks a chain when two pools append the same seq', async () => {
      const schema = uniqueSchema();
      const a = await openFresh(schema);
      const b = await openFresh(schema);
      const genesis = entry('c1', 'P', 0, null, 'genesis');
      await a.createChannel(channel('c1'), [genesis], headAfter(genesis));

      for (let round = 1; round <= 10; round += 1) {
        const headA = await a.getChainHead('c1', 'P');
        const headB = await b.getChainHead('c1', 'P');
        expect(headA).toEqual(headB);
        const fromA = entry('c1', 'P', round, headA!.hash, `from a ${round}`);
        const fromB = entry('c1', 'P', round, headB!.hash, `from b ${round}`);
        const rejected = await raceOneEntry([a, b], [fromA, fromB]);
        expect(rejected).toHaveLength(1);
        expect(rejected[0]).toBeInstanceOf(ChainConflictError);
      }
      const chain = await b.readChain('c1', 'P', 0, 100);
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i));
      for (let i = 1; i < chain.length; i += 1) {
        expect(JSON.parse(chain[i]!.canonical)).toMatchObject({ prev: chain[i - 1]!.hash });
      }
      expect(await a.getChainHead('c1', 'P')).toEqual(headAfter(chain.at(-1)!));
    });

    it('never forks a chain when several pools race to extend it, retrying on conflict', async () => {
      const schema = uniqueSchema();
      const setup = await openFresh(schema);
      const genesis = entry('c1', 'P', 0, null, 'genesis');
      await setup.createChannel(channel('c1'), [genesis], headAfter(genesis));
      const writers = await Promise.all(['w1', 'w2', 'w3', 'w4'].map(() => openFresh(schema)));
      const perWriter = 25;
      const results = await Promise.all(
        writers.map(async (storage, w) => {
          let appended = 0;
          let conflicts = 0;
          while (appended < perWriter) {
            const head = (await storage.getChainHead('c1', 'P'))!;
            // A batch of one or two entries, so multi-entry batches race too.
            const batch: StoredEntry[] = [];
            let prev = head.hash;
            for (let i = 0; i < 1 + ((appended + w) % 2) && appended + i < perWriter; i += 1) {
              const next = entry('c1', 'P', head.size + i, prev, `w${w}-${appended + i}`);
              batch.push(next);
              prev = next.hash;
            }
            try {
              await storage.appendEntries(batch, [headAfter(batch.at(-1)!)]);
              appended += batch.length;
            } catch (error) {
              if (!(error instanceof ChainConflictError)) throw error;
              conflicts += 1;
            }
          }
          return { appended, conflicts };
        }),
      );
      expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(4 * perWriter);
      expect(results.reduce((sum, r) => sum + r.conflicts, 0)).toBeGreaterThan(0);

      const chain = await setup.readChain('c1', 'P', 0, 1000);
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 4 * perWriter + 1 }, (_, i) => i));
      for (let i = 1; i < chain.length; i += 1) {
        expect(JSON.parse(chain[i]!.canonical)).toMatchObject({ prev: chain[i - 1]!.hash });
      }
      expect(await setup.getChainHead('c1', 'P')).toMatchObject({
        size: chain.length,
        hash: chain.at(-1)!.hash,
      });
      // Storage order is chain order: cursors increase with seq.
      const cursors = (await setup.readChannel('c1', 0, 1000)).map((e) => e.seq);
      expect(cursors).toEqual(chain.map((e) => e.seq));
    });

    it('holds the channels for a chain turn: another pool waits, then finds the chain moved', async () => {
      const schema = uniqueSchema();
      const turnStore = await openFresh(schema);
      const other = await openFresh(schema);
      const genesis = entry('c1', 'P', 0, null, 'genesis');
      await turnStore.createChannel(channel('c1'), [genesis], headAfter(genesis));
      const next = entry('c1', 'P', 1, genesis.hash, 'in the turn');
      const rival = entry('c1', 'P', 1, genesis.hash, 'from the other pool');
      let rivalSettled = false;
      // The outcome is caught at once: the rival fails as soon as the turn commits, which may be
      // before this test gets to look at it, and an unobserved rejection fails the whole run.
      let rivalOutcome: Promise<unknown> | null = null;
      const seen = await turnStore.withChainsHeld(
        ['c1'],
        async (turn) => {
          rivalOutcome = other.appendEntries([rival], [headAfter(rival)]).then(
            () => 'appended',
            (error: unknown) => error,
          );
          void rivalOutcome.finally(() => {
            rivalSettled = true;
          });
          await new Promise((r) => setTimeout(r, 300));
          // The rival waits on the channel while the turn is open.
          expect(rivalSettled).toBe(false);
          await turn.append([next], [headAfter(next)]);
          return { heads: turn.heads, clock: turn.clock, ofKinds: turn.entriesOfKinds };
        },
        { kinds: ['charter'] },
      );
      expect(seen.heads).toEqual([headAfter(genesis)]);
      expect(seen.ofKinds).toEqual([]);
      expect(await rivalOutcome!).toBeInstanceOf(ChainConflictError);
      expect((await other.readChain('c1', 'P', 0, 10)).map((e) => e.canonical)).toEqual([
        genesis.canonical,
        next.canonical,
      ]);
    });

    it('rolls a chain turn back when its append fails, or when it makes none, and frees the channel', async () => {
      const schema = uniqueSchema();
      const storage = await openFresh(schema);
      const genesis = entry('c1', 'P', 0, null, 'genesis');
      await storage.createChannel(channel('c1'), [genesis], headAfter(genesis));
      const stale = entry('c1', 'P', 0, null, 'a second genesis');
      await expect(
        storage.withChainsHeld(['c1'], (turn) => turn.append([stale], [headAfter(stale)])),
      ).rejects.toBeInstanceOf(ChainConflictError);
      expect(await storage.withChainsHeld(['c1'], async () => 'nothing appended')).toBe('nothing appended');
      // The channel is free again: a plain append goes through at once.
      const next = entry('c1', 'P', 1, genesis.hash, 'after');
      await storage.appendEntries([next], [headAfter(next)]);
      expect(await storage.countEntries()).toBe(2);
    });

    it('writes hostile text as data: quotes, backslashes and SQL in ids, keys, leases and bodies', async () => {
      const storage = await openFresh();
      const id = `c'1\\'); DROP TABLE entries; --`;
      const genesis = entry(id, `P'\\`, 0, null, `it's a \\'test\\' $1 $$ ?`);
      await storage.createChannel(channel(id), [genesis], headAfter(genesis));
      const lease = await storage.acquireLease(`lease'\\`, `holder'); --`, Date.now(), 60_000);
      const keyed = {
        ...entry(id, `P'\\`, 1, genesis.hash, 'O\'Brien said \\"no\\"'),
        naturalKey: `key'\\`,
      };
      await storage.withChainsHeld([id], (turn) =>
        turn.append([keyed], [headAfter(keyed)], {
          fences: [{ name: lease!.name, holder: lease!.holder, epoch: lease!.epoch }],
        }),
      );
      const chain = await storage.readChain(id, `P'\\`, 0, 10);
      expect(chain.map((e) => e.canonical)).toEqual([genesis.canonical, keyed.canonical]);
      // The natural key was stored as written: a second entry with it is refused.
      const again = { ...entry(id, `P'\\`, 2, keyed.hash, 'again'), naturalKey: `key'\\` };
      await expect(storage.appendEntries([again], [headAfter(again)])).rejects.toThrow(/already/);
      expect(await storage.countEntries()).toBe(2);
    });

    it('keeps channel cursors in commit order while other chains of the channel append concurrently', async () => {
      const schema = uniqueSchema();
      const setup = await openFresh(schema);
      const genesis = entry('c1', 'P', 0, null, 'genesis');
      await setup.createChannel(channel('c1'), [genesis], headAfter(genesis));
      const parties = ['Q', 'R', 'S'];
      const writers = await Promise.all(parties.map(() => openFresh(schema)));
      const seen: number[] = [];
      let after = 0;
      let done = false;
      const reader = (async () => {
        while (!done) {
          const page = await setup.readChannel('c1', after, 1000);
          for (const e of page) {
            seen.push(e.cursor);
            after = e.cursor;
          }
        }
      })();
      await Promise.all(
        writers.map(async (storage, w) => {
          let prev: string | null = null;
          for (let seq = 0; seq < 20; seq += 1) {
            const next = entry('c1', parties[w]!, seq, prev, `${w}-${seq}`);
            await storage.appendEntries([next], [headAfter(next)]);
            prev = next.hash;
          }
        }),
      );
      done = true;
      await reader;
      const rest = await setup.readChannel('c1', after, 1000);
      // A reader that follows the cursor misses nothing.
      expect(seen.length + rest.length).toBe(61);
    });

    it('keeps the node-wide change feed in commit order while other channels append concurrently', async () => {
      const schema = uniqueSchema();
      const setup = await openFresh(schema);
      const ids = ['c1', 'c2', 'c3'];
      for (const id of ids) {
        const genesis = entry(id, 'P', 0, null, 'genesis');
        await setup.createChannel(channel(id), [genesis], headAfter(genesis));
      }
      const writers = await Promise.all(ids.map(() => openFresh(schema)));
      const seen: number[] = [];
      let after = 0;
      let done = false;
      const reader = (async () => {
        while (!done) {
          const batch = await setup.changes(after, 1000);
          seen.push(...batch.entries.map((e) => e.cursor));
          after = batch.cursor;
        }
      })();
      await Promise.all(
        writers.map(async (storage, w) => {
          let prev = (await storage.getChainHead(ids[w]!, 'P'))!.hash;
          for (let seq = 1; seq <= 20; seq += 1) {
            const next = entry(ids[w]!, 'P', seq, prev, `${w}-${seq}`);
            await storage.appendEntries([next], [headAfter(next)]);
            prev = next.hash;
          }
        }),
      );
      done = true;
      await reader;
      const rest = await setup.changes(after, 1000);
      seen.push(...rest.entries.map((e) => e.cursor));
      // A reader that follows the feed's cursor misses nothing and sees no duplicate.
      expect(seen).toHaveLength(63);
      expect(new Set(seen).size).toBe(63);
    });
  });
});
