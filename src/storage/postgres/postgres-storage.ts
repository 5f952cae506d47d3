/**
 * The PostgreSQL storage backend (node-postgres, one Pool per store).
 *
 * Each node keeps its tables in its own PostgreSQL schema, named by `?schema=` in the database URL
 * (or an option), so several nodes can share one database. Every connection of the pool starts
 * with `search_path` set to that schema and `synchronous_commit=on`, so a write resolves only once
 * its commit is flushed to the server's WAL (and to synchronous standbys, if any are configured).
 *
 * Chain integrity: an append runs in one transaction that first locks the rows of the channels it
 * touches (`FOR NO KEY UPDATE`, in id order, so writers cannot deadlock) and then the chains'
 * head rows (`FOR UPDATE`), and only then reads the heads and checks the batch with the rules the
 * SQLite backend uses (chain-check.ts). A second writer extending the same chain waits for the
 * first to commit, then sees the moved head and gets ChainConflictError: chains never fork, not
 * even across processes or machines. The channel lock also makes a channel's cursors increase in
 * commit order (cursors come from an identity sequence, which is not transactional), so a reader
 * paging a channel by cursor never skips an entry that commits late with a smaller cursor.
 *
 * The change feed reads all channels by that cursor, so cursors must follow commit order
 * node-wide: an append that writes entries also locks the one row of `feed_lock` (migration 2),
 * last, just before its insert, and holds it until commit. Appends to different channels
 * therefore commit one at a time, which is the price of a feed that never skips an entry. Each
 * such commit sends a NOTIFY (commit-notifier.ts) in the same transaction.
 *
 * Every query shared with SQLite lives in ../sql/sql-storage.ts; this file holds the dialect.
 */
import pg from 'pg';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { checkChainWrite, chainKey, seqAlreadyStored, type StoredTip } from '../chain-check.js';
import { ENTRY_COLUMNS, channelValues, type EntryRow } from '../rows.js';
import { commitHint, encodeHint } from '../sql/commit-hints.js';
import { SQL, SqlStorage, type AwaitingReceiptQuery } from '../sql/sql-storage.js';
import {
  AlreadyExistsError,
  type BackupResult,
  type ChainHead,
  type Channel,
  type CommitHint,
  type CommitListener,
  type StoredEntry,
} from '../storage.js';
import { CommitNotifier } from './commit-notifier.js';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
import { SchemaPendingError, SchemaTooNewError, migrate, type MigrationPolicy } from './migrations.js';

/** Options for {@link PostgresStorage.open}. */
export interface PostgresOpenOptions {
  /** The node's schema; overrides `?schema=` in the URL. */
  schema?: string;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection before failing (default 10 s). */
  connectionTimeoutMs?: number;
  /** Whether pending migrations of an existing schema are applied or refused (sql/schema.ts). */
  migrations?: MigrationPolicy;
}

const INT8_OID = 20;
/** SQLSTATE of a unique-constraint violation. */
const UNIQUE_VIOLATION = '23505';

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} is beyond JavaScript's safe range`);
  return n;
}

/** BIGINT columns (and count(*)) come back as JS numbers, checked to be exact. */
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format),
};

function isUniqueViolation(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION;
}

/** Shared SQL is written with `?`; PostgreSQL wants `$1, $2, …`. Converted once per text. */
const numberedCache = new Map<string, string>();
function numbered(sql: string): string {
  let text = numberedCache.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numberedCache.set(sql, text);
  }
  return text;
}

// The literal kind = 'receipt' lets the planner use the partial receipts index.
const LIST_AWAITING = `SELECT ${ENTRY_COLUMNS} FROM entries AS e
  WHERE e.channel = ANY($1::text[])
    AND e.kind = ANY($2::text[])
    AND e.author <> $3
    AND NOT EXISTS (
      SELECT 1 FROM entries AS r
      WHERE r.kind = 'receipt' AND r.channel = e.channel AND r.author = $3
        AND r.ref = e.party || '/' || e.seq)
  ORDER BY e.cursor LIMIT $4`;

// One statement for the whole batch; WITH ORDINALITY keeps the cursors in batch order.
const INSERT_ENTRIES = `WITH inserted AS (
    INSERT INTO entries
      (channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at)
    SELECT channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
      WITH ORDINALITY AS e (channel, party, seq, hash, canonical, sig, kind, author, precedence,
                            hlc, ref, stored_at, ord)
    ORDER BY ord
    RETURNING cursor)
  SELECT max(cursor) AS last FROM inserted`;

const UPSERT_HEADS = `INSERT INTO chain_heads (channel, party, size, hash, frontier, checkpoint)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
  ON CONFLICT (channel, party) DO UPDATE SET size = excluded.size, hash = excluded.hash,
    frontier = excluded.frontier, checkpoint = excluded.checkpoint`;

/** Anything that runs queries: the pool (autocommit) or a client inside a transaction. */
interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** PostgreSQL implementation of the storage contract. */
export class PostgresStorage extends SqlStorage {
  readonly engine = 'postgres';
  readonly warnings: readonly string[];
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #notifier: CommitNotifier;
  #closed = false;

  private constructor(
    pool: pg.Pool,
    target: { schema: string; connectionString: string; options: string },
    warnings: string[],
    readonly migrationsApplied: readonly number[],
  ) {
    super({ kindIndexHint: '', flag: (value) => value });
    this.#pool = pool;
    this.#schema = target.schema;
    this.warnings = warnings;
    this.#notifier = new CommitNotifier(target.schema, target, this.commitListeners);
  }

  /**
   * Connects to the database at `url` (a postgres:// URL; a password may also come from
   * PGPASSWORD), creates the node's schema if missing and migrates it to the current version.
   */
  static async open(url: string, options: PostgresOpenOptions = {}): Promise<PostgresStorage> {
    const target = parseDatabaseUrl(url, options.schema);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      options: target.options,
      application_name: 'parley',
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      types: TYPES,
    });
    // An idle connection that breaks (server restart) is dropped by the pool; the next query
    // opens a new one. Without a listener the error would end the process.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      let warnings: string[];
      let applied: number[];
      try {
        applied = await migrate(client, target.schema, undefined, undefined, options.migrations);
        const settings = await client.query<{ fsync: string; synchronous_commit: string }>(
          "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit",
        );
        const row = settings.rows[0];
        warnings = [];
        if (row?.fsync !== 'on') {
          warnings.push(
            'the PostgreSQL server runs with fsync=off: committed entries can be lost in a crash',
          );
        }
        if (row?.synchronous_commit !== 'on') {
          warnings.push(`synchronous_commit is ${String(row?.synchronous_commit)}, not on`);
        }
      } finally {
        client.release();
      }
      return new PostgresStorage(pool, target, warnings, applied);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof SchemaTooNewError || error instanceof SchemaPendingError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const hint = /password/i.test(message)
        ? ' (set PGPASSWORD or put the password in PARLEY_DATABASE_URL)'
        : '';
      throw new Error(
        `cannot open PostgreSQL schema '${target.schema}' at ${redactDatabaseUrl(url)}: ${message}${hint}`,
        { cause: error },
      );
    }
  }

  /** Not part of the contract: the node's schema name. */
  get schema(): string {
    return this.#schema;
  }

  /** Not part of the contract: runs one statement, for tests that inspect or tamper with data. */
  async rawQuery<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    return (await this.#pool.query<R>(text, values)).rows;
  }

  /**
   * Not part of the contract: resolves once this instance LISTENs for other processes' commits
   * (started by the first onCommitted), so a test can commit elsewhere without a race.
   */
  listening(): Promise<void> {
    return this.#notifier.start();
  }

  /** PostgreSQL is backed up with its own tools, which also cover point-in-time recovery. */
  async backupTo(_path: string): Promise<BackupResult> {
    throw new Error(
      'parley backup copies SQLite databases only; back up PostgreSQL with pg_dump ' +
        '(pg_dump --format=custom --schema=<schema>) or base backups (pg_basebackup) and WAL archiving',
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#notifier.close();
    await this.#pool.end();
  }

  protected async rows<R>(sql: string, values: unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<QueryResultRow>(numbered(sql), values)).rows as R[];
  }

  protected async run(sql: string, values: unknown[] = []): Promise<number> {
    return (await this.#pool.query(numbered(sql), values)).rowCount ?? 0;
  }

  protected isUniqueViolation(error: unknown): boolean {
    return isUniqueViolation(error);
  }

  override onCommitted(listener: CommitListener): () => void {
    const unsubscribe = super.onCommitted(listener);
    void this.#notifier.start();
    return unsubscribe;
  }

  /** The record update and its NOTIFY in one statement, hence one transaction. */
  protected async writeChannelRecord(id: string, sql: string, values: unknown[]): Promise<void> {
    const hint = commitHint(null, [id]);
    await this.#pool.query(
      numbered(`WITH changed AS (${sql} RETURNING id) SELECT pg_notify(?, ?) FROM changed`),
      [...values, this.#notifier.channel, encodeHint(this.#notifier.origin, hint)],
    );
    this.commitListeners.emit(hint);
  }

  /** Queues the commit's NOTIFY; PostgreSQL delivers it only if and when the transaction commits. */
  async #notify(db: Queryable, hint: CommitHint): Promise<void> {
    await db.query('SELECT pg_notify($1, $2)', [
      this.#notifier.channel,
      encodeHint(this.#notifier.origin, hint),
    ]);
  }

  /** Runs `work` in one transaction on one connection; rolls back on any throw. */
  async #transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      }
    } finally {
      // A connection whose rollback failed is in an unknown state: discard it.
      client.release(broken);
    }
  }

  async createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void> {
    const hint = await this.#transaction(async (db) => {
      try {
        await db.query(numbered(SQL.insertChannel), channelValues(channel));
      } catch (error) {
        if (isUniqueViolation(error)) throw new AlreadyExistsError('channel', channel.id);
        throw error;
      }
      const hint = commitHint(await this.#writeChains(db, entries, [head]), [channel.id]);
      await this.#notify(db, hint);
      return hint;
    });
    this.commitListeners.emit(hint);
  }

  async appendEntries(entries: StoredEntry[], heads: ChainHead[]): Promise<void> {
    if (entries.length === 0 && heads.length === 0) return;
    const hint = await this.#transaction(async (db) => {
      const cursor = await this.#writeChains(db, entries, heads);
      const hint = commitHint(cursor, [...entries.map((e) => e.channel), ...heads.map((h) => h.channel)]);
      await this.#notify(db, hint);
      return hint;
    });
    this.commitListeners.emit(hint);
  }

  /**
   * Locks, checks and writes entries plus heads inside the caller's transaction. All checks run
   * before the first write; any throw rolls the whole transaction back. Returns the last cursor
   * assigned, null when no entry was written.
   */
  async #writeChains(db: Queryable, entries: StoredEntry[], heads: ChainHead[]): Promise<number | null> {
    const channels = [...new Set([...heads.map((h) => h.channel), ...entries.map((e) => e.channel)])].sort();
    const existing = await db.query<{ id: string }>(
      'SELECT id FROM channels WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE',
      [channels],
    );
    const known = new Set(existing.rows.map((r) => r.id));
    const stored = new Map<string, StoredTip>();
    if (heads.length > 0) {
      const rows = await db.query<{ channel: string; party: string; size: number; hash: string | null }>(
        `SELECT h.channel, h.party, h.size, h.hash
         FROM chain_heads AS h JOIN unnest($1::text[], $2::text[]) AS k (channel, party)
           ON h.channel = k.channel AND h.party = k.party
         ORDER BY h.channel, h.party
         FOR UPDATE OF h`,
        [heads.map((h) => h.channel), heads.map((h) => h.party)],
      );
      for (const row of rows.rows) stored.set(chainKey(row.channel, row.party), row);
    }
    checkChainWrite(entries, heads, {
      head: (channel, party) => stored.get(chainKey(channel, party)) ?? null,
      channelExists: (channel) => known.has(channel),
    });

    let cursor: number | null = null;
    if (entries.length > 0) {
      // Taken last (after the channel and head locks, in every writer), so no deadlock; held to
      // commit, so cursors are assigned in commit order node-wide.
      await db.query('SELECT id FROM feed_lock WHERE id = 1 FOR UPDATE');
      try {
        const inserted = await db.query<{ last: number }>(INSERT_ENTRIES, [
          entries.map((e) => e.channel),
          entries.map((e) => e.party),
          entries.map((e) => e.seq),
          entries.map((e) => e.hash),
          entries.map((e) => e.canonical),
          entries.map((e) => e.sig),
          entries.map((e) => e.kind),
          entries.map((e) => e.author),
          entries.map((e) => e.precedence),
          entries.map((e) => e.hlc),
          entries.map((e) => e.ref),
          entries.map((e) => e.storedAt),
        ]);
        cursor = inserted.rows[0]?.last ?? null;
      } catch (error) {
        if (isUniqueViolation(error)) throw seqAlreadyStored(entries);
        throw error;
      }
    }
    if (heads.length > 0) {
      await db.query(UPSERT_HEADS, [
        heads.map((h) => h.channel),
        heads.map((h) => h.party),
        heads.map((h) => h.size),
        heads.map((h) => h.hash),
        heads.map((h) => JSON.stringify(h.frontier)),
        heads.map((h) => h.checkpoint),
      ]);
    }
    return cursor;
  }

  protected async queryAwaitingReceipt(query: AwaitingReceiptQuery): Promise<EntryRow[]> {
    const { channels, kinds, principal, limit } = query;
    return (await this.#pool.query<EntryRow>(LIST_AWAITING, [channels, kinds, principal, limit])).rows;
  }
}
