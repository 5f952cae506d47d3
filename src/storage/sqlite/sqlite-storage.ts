/**
 * The SQLite storage backend (better-sqlite3).
 *
 * better-sqlite3 is synchronous; the async methods of the Storage contract simply wrap it, which
 * is the fastest option for a single-file embedded database. Durability: WAL with
 * `synchronous=FULL`, so every committed transaction is fsync'd before the method resolves.
 * Chain integrity is enforced inside one IMMEDIATE transaction per append: the write lock is
 * taken before the stored heads are read, so two writers (even in different processes) cannot
 * both extend a chain from the same head. Cursors are the entries' rowids: one writer at a time
 * means they increase in commit order node-wide, which is what the change feed needs. Every query
 * shared with PostgreSQL lives in ../sql/ (sql-storage.ts and the classes it extends); this file
 * holds the SQLite dialect, with its statements in sqlite-dialect.ts and moving a node in
 * sqlite-table-copy.ts.
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredTip } from '../chain-check.js';
import { channelValues, entryValues, headValues, type EntryRow } from '../rows.js';
import { appendCommitHint, checkAppend, entryInsertError, refuseLostFences } from '../sql/chain-write.js';
import { commitHint } from '../sql/commit-hints.js';
import type { SqlOpenOptions } from '../sql/schema.js';
import { SQL, SqlStorage, type AwaitingReceiptQuery, type IndexedEntry } from '../sql/sql-storage.js';
import { docValues, documentOf } from '../sql/search-statements.js';
import type {
  AppendOptions,
  BackupResult,
  ChainHead,
  Channel,
  CommitHint,
  CommitListener,
  LeaseFence,
  StoredEntry,
} from '../storage.js';
import { assertSchemaCurrent, migrate } from './migrations.js';
import {
  CHANNEL_EXISTS,
  INSERT_DOC,
  INSERT_FTS,
  LIST_AWAITING,
  SQLITE_SEARCH,
  STORED_NATURAL_KEYS,
  isUniqueViolation,
} from './sqlite-dialect.js';
import { FILE_MODE, SqliteNodeMover, backupSqlite, restrictMode } from './sqlite-table-copy.js';

/** Options for {@link SqliteStorage.open}. */
export interface SqliteOpenOptions extends SqlOpenOptions {
  /** Open without writing anything (no migrations, no mode changes); the file must exist. */
  readonly?: boolean;
}

/** How long a connection waits for another connection's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * How often a store with listeners looks for commits of other processes on the same file
 * (`PRAGMA data_version` changes when another connection has committed): the wake-up of a
 * second `parley serve` on one data directory, or of the CLI beside one.
 */
const OTHER_WRITERS_POLL_MS = 250;

/** SQLite implementation of the storage contract. */
export class SqliteStorage extends SqlStorage {
  readonly engine = 'sqlite';
  readonly #db: Database.Database;
  protected readonly mover: SqliteNodeMover;
  /** Every statement is prepared once per connection, on first use. */
  readonly #statements = new Map<string, Database.Statement>();
  #watch: NodeJS.Timeout | null = null;

  private constructor(
    db: Database.Database,
    readonly migrationsApplied: readonly number[],
  ) {
    super({
      kindIndexHint: 'INDEXED BY entries_channel_kind',
      flag: (value) => (value ? 1 : 0),
      search: SQLITE_SEARCH,
    });
    this.#db = db;
    this.mover = new SqliteNodeMover(db);
  }

  /**
   * Opens (creating if needed) the database at `path` with mode 0600, WAL and `synchronous=FULL`,
   * and migrates it to the current schema. `:memory:` opens a private in-memory database.
   */
  static open(path: string, options: SqliteOpenOptions = {}): SqliteStorage {
    const readonly = options.readonly ?? false;
    const onDisk = path !== ':memory:';
    if (onDisk && !readonly) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Create the file ourselves so it never exists, even briefly, with umask-derived mode.
      closeSync(openSync(path, 'a', FILE_MODE));
      restrictMode(path);
    }
    const db = new Database(path, { readonly, fileMustExist: readonly });
    let applied: number[] = [];
    try {
      // Set first so that the WAL switch and migrations wait for other writers.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (onDisk && !readonly) {
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new Error(`could not enable WAL on ${path} (journal_mode=${String(mode)})`);
      }
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      if (readonly) assertSchemaCurrent(db);
      else applied = migrate(db, undefined, undefined, options.migrations);
      if (onDisk && !readonly) {
        restrictMode(`${path}-wal`);
        restrictMode(`${path}-shm`);
      }
      return new SqliteStorage(db, applied);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Not part of the contract: the underlying connection, for tests that tamper with data. */
  rawDatabase(): Database.Database {
    return this.#db;
  }

  /** Not part of the contract: folds the WAL back into the main file and truncates it. */
  checkpointWal(): void {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.#watch) clearInterval(this.#watch);
    this.#watch = null;
    if (this.#db.open) this.#db.close();
  }

  /**
   * This instance's commits wake listeners at once; commits of other connections to the file
   * (another process) are noticed within OTHER_WRITERS_POLL_MS, as a hint that names nothing.
   */
  override onCommitted(listener: CommitListener): () => void {
    const unsubscribe = super.onCommitted(listener);
    if (!this.#watch && this.#db.open && this.#db.name !== ':memory:') {
      let seen = this.#db.pragma('data_version', { simple: true });
      this.#watch = setInterval(() => {
        if (!this.#db.open) return;
        const version = this.#db.pragma('data_version', { simple: true });
        if (version === seen) return;
        seen = version;
        this.commitListeners.emit({ cursor: null, channels: null });
      }, OTHER_WRITERS_POLL_MS);
      this.#watch.unref();
    }
    return () => {
      unsubscribe();
      if (this.commitListeners.size === 0 && this.#watch) {
        clearInterval(this.#watch);
        this.#watch = null;
      }
    };
  }

  /** SQLite's online backup API, while writers go on (sqlite-table-copy.ts). */
  async backupTo(path: string): Promise<BackupResult> {
    return backupSqlite(this.#db, path);
  }

  /**
   * Not part of the contract: throws unless no other connection (a running node, another
   * `parley` command) has the database at `path` open. An exclusive lock in WAL mode is granted
   * only to the one connection that has the file to itself.
   */
  static assertUnused(path: string): void {
    if (!existsSync(path)) return;
    const db = new Database(path, { fileMustExist: true, timeout: 100 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('ROLLBACK');
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
        throw new Error(`${path} is in use (is the node running?); stop it first`);
      }
      throw error;
    } finally {
      db.close();
    }
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  protected async rows<R>(sql: string, values: unknown[] = []): Promise<R[]> {
    return this.#statement(sql).all(...values) as R[];
  }

  protected async run(sql: string, values: unknown[] = []): Promise<number> {
    return this.#statement(sql).run(...values).changes;
  }

  protected isUniqueViolation(error: unknown): boolean {
    return isUniqueViolation(error);
  }

  protected async fencedRun(fence: LeaseFence, sql: string, values: unknown[]): Promise<number> {
    return this.#db
      .transaction(() => {
        this.#checkFences([fence]);
        return this.#statement(sql).run(...values).changes;
      })
      .immediate();
  }

  protected async runAll(
    statements: ReadonlyArray<readonly [string, unknown[]]>,
    fence?: LeaseFence,
  ): Promise<number> {
    return this.#db
      .transaction(() => {
        if (fence) this.#checkFences([fence]);
        let changed = 0;
        for (const [sql, values] of statements) changed += this.#statement(sql).run(...values).changes;
        return changed;
      })
      .immediate();
  }

  /** Throws LeaseLostError unless every fence still holds; inside a write transaction. */
  #checkFences(fences: readonly LeaseFence[]): void {
    refuseLostFences(fences, (fence) => this.#fenceHolds(fence));
  }

  #fenceHolds(fence: LeaseFence): boolean {
    return this.#statement(SQL.fenceHolds).get(fence.name, fence.holder, fence.epoch) !== undefined;
  }

  protected async writeChannelRecord(id: string, sql: string, values: unknown[]): Promise<void> {
    this.#statement(sql).run(...values);
    this.commitListeners.emit(commitHint(null, [id]));
  }

  async createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void> {
    const cursor = this.#db
      .transaction(() => {
        try {
          this.#statement(SQL.insertChannel).run(...channelValues(channel));
        } catch (error) {
          throw this.alreadyExists(error, 'channel', channel.id);
        }
        return this.#writeChains(entries, [head]);
      })
      .immediate();
    this.commitListeners.emit(commitHint(cursor, [channel.id]));
  }

  protected async writeAppend(
    entries: StoredEntry[],
    heads: ChainHead[],
    options: AppendOptions,
  ): Promise<CommitHint> {
    const cursor = this.#db.transaction(() => this.#writeChains(entries, heads, options)).immediate();
    return appendCommitHint(cursor, entries, heads);
  }

  /**
   * Checks (sql/chain-write.ts) and writes entries plus heads; must run inside a write
   * transaction, whose file lock makes every read here the newest any process committed. All
   * checks run before the first write, and any throw rolls the transaction back, so nothing is
   * half-written. Returns the last cursor assigned, null when no entry was written.
   */
  #writeChains(entries: StoredEntry[], heads: ChainHead[], options: AppendOptions = {}): number | null {
    const getHead = this.#statement(SQL.getHead);
    const channelExists = this.#statement(CHANNEL_EXISTS);
    const clock = checkAppend(entries, heads, options, {
      head: (channel, party) => (getHead.get(channel, party) as StoredTip | undefined) ?? null,
      channelExists: (channel) => channelExists.get(channel) !== undefined,
      fenceHolds: (fence) => this.#fenceHolds(fence),
      storedClock: () => (this.#statement(SQL.getClock).get() as { hlc: string } | undefined)?.hlc ?? '',
      takenNaturalKeys: (keys) =>
        (this.#statement(STORED_NATURAL_KEYS).all(JSON.stringify(keys)) as { key: string }[]).map(
          (r) => r.key,
        ),
    });

    const insert = this.#statement(SQL.insertEntry);
    let cursor: number | null = null;
    const indexed: IndexedEntry[] = [];
    try {
      for (const e of entries) {
        cursor = Number(insert.run(...entryValues(e)).lastInsertRowid);
        indexed.push({ entry: e, cursor, doc: documentOf(this.searchIndexer, e) });
      }
    } catch (error) {
      // Natural keys were checked under the write lock: no insert can collide on one.
      throw entryInsertError(error, entries, { isUniqueViolation, isNaturalKeyViolation: () => false });
    }
    // Without an indexer the entries are left to backfillSearch (contract/search.ts).
    if (this.searchIndexer) this.#indexEntries(indexed);
    const upsertHead = this.#statement(SQL.upsertHead);
    for (const h of heads) upsertHead.run(...headValues(h));
    if (clock !== null) this.#statement(SQL.advanceClock).run(clock, clock);
    return cursor;
  }

  /** Writes index rows (and their FTS5 rows) inside the caller's write transaction. */
  #indexEntries(indexed: readonly IndexedEntry[]): void {
    const insertDoc = this.#statement(INSERT_DOC);
    const insertFts = this.#statement(INSERT_FTS);
    for (const { entry, cursor, doc } of indexed) {
      const written = insertDoc.run(...docValues(entry, cursor, doc)).changes;
      if (written > 0 && doc) insertFts.run(cursor, doc.terms);
    }
  }

  protected async writeSearchDocs(indexed: IndexedEntry[]): Promise<void> {
    this.#db.transaction(() => this.#indexEntries(indexed)).immediate();
  }

  protected async queryAwaitingReceipt(query: AwaitingReceiptQuery): Promise<EntryRow[]> {
    const lists = { channels: JSON.stringify(query.channels), kinds: JSON.stringify(query.kinds) };
    return this.#statement(LIST_AWAITING).all({ ...query, ...lists }) as EntryRow[];
  }
}
