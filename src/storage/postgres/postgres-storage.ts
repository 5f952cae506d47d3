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
 * such commit sends a NOTIFY (commit-notifier.ts) in the same transaction. An append is two round
 * trips, the commit included (postgres-append.ts): that serial section is what every process of
 * the node shares.
 *
 * A chain turn (withChainsHeld) holds the channel rows before the caller seals its batch, so
 * processes contending for one chain take turns instead of colliding (node/appender.ts).
 *
 * Every query shared with SQLite lives in ../sql/ (sql-storage.ts and the classes it extends);
 * this file holds the dialect, with its statements in postgres-dialect.ts and moving a node in
 * postgres-table-copy.ts.
 */
import pg from 'pg';
import type { QueryResultRow } from 'pg';
import { chainKey, type StoredTip } from '../chain-check.js';
import { channelValues, type EntryRow } from '../rows.js';
import { checkAppend, entryInsertError, refuseLostFences } from '../sql/chain-write.js';
import { commitHint, encodeHint, encodeHintAround } from '../sql/commit-hints.js';
import { SQL, SqlStorage, type AwaitingReceiptQuery, type IndexedEntry } from '../sql/sql-storage.js';
import { UNMARKED, documentOf } from '../sql/search-statements.js';
import type {
  AppendOptions,
  BackupResult,
  ChainHead,
  ChainTurn,
  Channel,
  CommitHint,
  CommitListener,
  LeaseFence,
  StoredEntry,
} from '../storage.js';
import { CommitNotifier } from './commit-notifier.js';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
import { migrate } from './migrations.js';
import { SchemaPendingError, SchemaTooNewError, type SqlOpenOptions } from '../sql/schema.js';
import {
  INSERT_DOCS,
  LIST_AWAITING,
  POSTGRES_SEARCH,
  TYPES,
  inOwnTransaction,
  inTransaction,
  isNaturalKeyViolation,
  isUniqueViolation,
  numbered,
  type Queryable,
} from './postgres-dialect.js';
import { holdChannels, lockForAppend, writeAndCommit } from './postgres-append.js';
import { PostgresNodeMover } from './postgres-table-copy.js';

/** Options for {@link PostgresStorage.open}. */
export interface PostgresOpenOptions extends SqlOpenOptions {
  /** The node's schema; overrides `?schema=` in the URL. */
  schema?: string;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection before failing (default 10 s). */
  connectionTimeoutMs?: number;
}

/** PostgreSQL implementation of the storage contract. */
export class PostgresStorage extends SqlStorage {
  readonly engine = 'postgres';
  readonly warnings: readonly string[];
  readonly #pool: pg.Pool;
  protected readonly mover: PostgresNodeMover;
  readonly #schema: string;
  readonly #notifier: CommitNotifier;
  #closed = false;

  private constructor(
    pool: pg.Pool,
    target: { schema: string; connectionString: string; options: string },
    warnings: string[],
    readonly migrationsApplied: readonly number[],
  ) {
    super({ kindIndexHint: '', flag: (value) => value, search: POSTGRES_SEARCH });
    this.#pool = pool;
    this.mover = new PostgresNodeMover(pool);
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

  /** Runs `work` in one transaction on one connection of the pool (postgres-dialect.ts). */
  #transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, work);
  }

  async createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void> {
    const hint = await inOwnTransaction(this.#pool, async (db) => {
      await db.query('BEGIN');
      try {
        await db.query(numbered(SQL.insertChannel), channelValues(channel));
      } catch (error) {
        throw this.alreadyExists(error, 'channel', channel.id);
      }
      return this.#writeChains(db, entries, [head]);
    });
    this.commitListeners.emit(hint);
  }

  /** The append, its NOTIFY and its commit: two round trips (postgres-append.ts). */
  protected async writeAppend(
    entries: StoredEntry[],
    heads: ChainHead[],
    options: AppendOptions,
  ): Promise<CommitHint> {
    return inOwnTransaction(this.#pool, (db) => this.#writeChains(db, entries, heads, options, true));
  }

  /**
   * A turn on the channels (contract/log.ts): their rows locked as #writeChains locks them first,
   * so every other append to them, from any process, waits here; the turn's append then re-takes
   * those locks in the same transaction at no cost, and commits it. A turn without an append
   * rolls back. The server ends a turn left idle for 10 s.
   */
  async withChainsHeld<T>(
    channels: readonly string[],
    work: (turn: ChainTurn) => Promise<T>,
    options: { kinds?: readonly string[] } = {},
  ): Promise<T> {
    let hint: CommitHint | null = null;
    const result = await inOwnTransaction(this.#pool, async (db) => {
      const held = await holdChannels(db, channels, options.kinds ?? []);
      const result = await work({
        ...held,
        append: async (entries, heads, options = {}) => {
          if (hint) throw new Error('a chain turn makes one append');
          hint = await this.#writeChains(db, entries, heads, options);
        },
      });
      if (!hint) await db.query('ROLLBACK');
      return result;
    });
    if (hint) this.commitListeners.emit(hint);
    return result;
  }

  protected async fencedRun(fence: LeaseFence, sql: string, values: unknown[]): Promise<number> {
    return this.#transaction(async (db) => {
      await this.#checkFences(db, [fence]);
      return (await db.query(numbered(sql), values)).rowCount ?? 0;
    });
  }

  protected async runAll(
    statements: ReadonlyArray<readonly [string, unknown[]]>,
    fence?: LeaseFence,
  ): Promise<number> {
    return this.#transaction(async (db) => {
      if (fence) await this.#checkFences(db, [fence]);
      let changed = 0;
      for (const [sql, values] of statements)
        changed += (await db.query(numbered(sql), values)).rowCount ?? 0;
      return changed;
    });
  }

  /**
   * Which fences still hold. FOR SHARE keeps the lease rows from changing hands (a takeover is
   * an UPDATE) until this transaction ends, so the answer stays true for the write it guards.
   */
  async #fencesHolding(db: Queryable, fences: readonly LeaseFence[]): Promise<Set<LeaseFence>> {
    const holding = new Set<LeaseFence>();
    for (const fence of fences) {
      const held = await db.query(`${numbered(SQL.fenceHolds)} FOR SHARE`, [
        fence.name,
        fence.holder,
        fence.epoch,
      ]);
      if (held.rowCount) holding.add(fence);
    }
    return holding;
  }

  /** Throws LeaseLostError unless every fence still holds (see #fencesHolding). */
  async #checkFences(db: Queryable, fences: readonly LeaseFence[]): Promise<void> {
    const holding = await this.#fencesHolding(db, fences);
    refuseLostFences(fences, (fence) => holding.has(fence));
  }

  /**
   * Locks, checks and writes entries plus heads inside the caller's transaction (opened here when
   * `begin`), queues the commit's NOTIFY and commits. Everything the checks need is
   * read first, under locks taken in one order by every writer (channels, heads, leases, then the
   * feed lock and the clock), so no two writers deadlock; the checks (sql/chain-write.ts) run
   * before the first write, and any throw leaves the transaction for the caller to roll back. Two
   * round trips with the commit (postgres-append.ts). Returns the commit's wake-up.
   */
  async #writeChains(
    db: Queryable,
    entries: StoredEntry[],
    heads: ChainHead[],
    options: AppendOptions = {},
    begin = false,
  ): Promise<CommitHint> {
    const channels = [...new Set([...heads.map((h) => h.channel), ...entries.map((e) => e.channel)])].sort();
    const fences = options.fences ?? [];
    const locks = await lockForAppend(db, {
      begin,
      channels,
      heads,
      fences,
      writesEntries: entries.length > 0,
      naturalKeys: entries.flatMap((e) => (e.naturalKey ? [e.naturalKey] : [])),
    });
    const stored = new Map<string, StoredTip>();
    for (const row of locks.heads) stored.set(chainKey(row.channel, row.party), row);
    const clock = checkAppend(entries, heads, options, {
      head: (channel, party) => stored.get(chainKey(channel, party)) ?? null,
      channelExists: (channel) => locks.knownChannels.has(channel),
      fenceHolds: (fence) => locks.fencesHolding[fences.indexOf(fence)] ?? false,
      storedClock: () => locks.clock,
      takenNaturalKeys: (keys) => locks.takenNaturalKeys.filter((key) => keys.includes(key)),
    });
    const indexer = this.searchIndexer;
    let cursor: number | null;
    try {
      // Without an indexer the entries are left to backfillSearch (contract/search.ts).
      cursor = await writeAndCommit(db, {
        entries,
        heads,
        clock,
        docs: indexer ? entries.map((entry) => documentOf(indexer, entry)) : null,
        notice: { channel: this.#notifier.channel, ...encodeHintAround(this.#notifier.origin, channels) },
      });
    } catch (error) {
      throw entryInsertError(error, entries, { isUniqueViolation, isNaturalKeyViolation });
    }
    return commitHint(cursor, channels);
  }

  /** Writes index rows inside the caller's transaction; their cursors are looked up by position. */
  async #indexEntries(db: Queryable, indexed: readonly IndexedEntry[]): Promise<void> {
    if (indexed.length === 0) return;
    await db.query(INSERT_DOCS, [
      indexed.map((i) => i.entry.channel),
      indexed.map((i) => i.entry.party),
      indexed.map((i) => i.entry.seq),
      indexed.map((i) => i.doc?.marking ?? UNMARKED),
      indexed.map((i) => i.doc?.at ?? 0),
      indexed.map((i) => i.doc?.text ?? ''),
      indexed.map((i) => i.doc?.terms ?? ''),
    ]);
  }

  protected async writeSearchDocs(indexed: IndexedEntry[]): Promise<void> {
    await this.#transaction((db) => this.#indexEntries(db, indexed));
  }

  protected async queryAwaitingReceipt(query: AwaitingReceiptQuery): Promise<EntryRow[]> {
    const { channels, kinds, principal, limit } = query;
    return (await this.#pool.query<EntryRow>(LIST_AWAITING, [channels, kinds, principal, limit])).rows;
  }
}
