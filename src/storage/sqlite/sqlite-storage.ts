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
 * shared with PostgreSQL lives in ../sql/sql-storage.ts; this file holds the SQLite dialect.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkChainWrite, seqAlreadyStored, type StoredTip } from '../chain-check.js';
import { ENTRY_COLUMNS, channelValues, entryValues, headValues, type EntryRow } from '../rows.js';
import { commitHint } from '../sql/commit-hints.js';
import { SQL, SqlStorage, type AwaitingReceiptQuery } from '../sql/sql-storage.js';
import {
  AlreadyExistsError,
  type BackupResult,
  type ChainHead,
  type Channel,
  type StoredEntry,
} from '../storage.js';
import { assertSchemaCurrent, migrate, type MigrationPolicy } from './migrations.js';

/** Options for {@link SqliteStorage.open}. */
export interface SqliteOpenOptions {
  /** Open without writing anything (no migrations, no mode changes); the file must exist. */
  readonly?: boolean;
  /** Whether pending migrations of an existing database are applied or refused (schema.ts). */
  migrations?: MigrationPolicy;
}

/** How long a connection waits for another connection's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;
const FILE_MODE = 0o600;

// Lists are bound as JSON arrays so one prepared statement serves any number of values. The
// literal kind = 'receipt' lets SQLite use the partial receipts index. INDEXED BY pins the plan:
// with ANALYZE statistics SQLite prefers a full scan in cursor order, which took ~0.5 s at 1M
// entries for a rare kind; per (channel, kind) index ranges with a top-N sort stay in
// milliseconds.
const LIST_AWAITING = `SELECT ${ENTRY_COLUMNS} FROM entries AS e INDEXED BY entries_channel_kind
  WHERE e.channel IN (SELECT value FROM json_each(@channels))
    AND e.kind IN (SELECT value FROM json_each(@kinds))
    AND e.author <> @principal
    AND NOT EXISTS (
      SELECT 1 FROM entries AS r
      WHERE r.kind = 'receipt' AND r.channel = e.channel AND r.author = @principal
        AND r.ref = e.party || '/' || e.seq)
  ORDER BY e.cursor LIMIT @limit`;

const CHANNEL_EXISTS = 'SELECT 1 AS one FROM channels WHERE id = ?';

/** Tightens a file to owner-only access if it is wider. */
function restrictMode(path: string): void {
  if (!existsSync(path)) return;
  if ((statSync(path).mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** SQLite implementation of the storage contract. */
export class SqliteStorage extends SqlStorage {
  readonly engine = 'sqlite';
  readonly #db: Database.Database;
  /** Every statement is prepared once per connection, on first use. */
  readonly #statements = new Map<string, Database.Statement>();

  private constructor(
    db: Database.Database,
    readonly migrationsApplied: readonly number[],
  ) {
    super({ kindIndexHint: 'INDEXED BY entries_channel_kind', flag: (value) => (value ? 1 : 0) });
    this.#db = db;
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
    if (this.#db.open) this.#db.close();
  }

  /**
   * SQLite's online backup API: pages are copied in steps while this and other connections keep
   * writing (a step that sees a change made elsewhere starts over), so the copy is one
   * consistent state of the database. The file is created first, owner-only.
   */
  async backupTo(path: string): Promise<BackupResult> {
    closeSync(openSync(path, 'wx', FILE_MODE));
    try {
      // After the first step, the rest in one: a step holds one read snapshot, so writers elsewhere
      // (which restart a backup whose source changed between steps) cannot keep it from ending.
      await this.#db.backup(path, { progress: () => 1_000_000_000 });
      restrictMode(path);
      return { path, bytes: statSync(path).size };
    } catch (error) {
      rmSync(path, { force: true });
      throw error;
    }
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
          if (isUniqueViolation(error)) throw new AlreadyExistsError('channel', channel.id);
          throw error;
        }
        return this.#writeChains(entries, [head]);
      })
      .immediate();
    this.commitListeners.emit(commitHint(cursor, [channel.id]));
  }

  async appendEntries(entries: StoredEntry[], heads: ChainHead[]): Promise<void> {
    if (entries.length === 0 && heads.length === 0) return;
    const cursor = this.#db.transaction(() => this.#writeChains(entries, heads)).immediate();
    this.commitListeners.emit(
      commitHint(cursor, [...entries.map((e) => e.channel), ...heads.map((h) => h.channel)]),
    );
  }

  /**
   * Checks (see chain-check.ts) and writes entries plus heads; must run inside a write
   * transaction. All checks run before the first write, and any throw rolls the transaction back,
   * so nothing is half-written. Returns the last cursor assigned, null when no entry was written.
   */
  #writeChains(entries: StoredEntry[], heads: ChainHead[]): number | null {
    const getHead = this.#statement(SQL.getHead);
    const channelExists = this.#statement(CHANNEL_EXISTS);
    checkChainWrite(entries, heads, {
      head: (channel, party) => (getHead.get(channel, party) as StoredTip | undefined) ?? null,
      channelExists: (channel) => channelExists.get(channel) !== undefined,
    });

    const insert = this.#statement(SQL.insertEntry);
    let cursor: number | null = null;
    try {
      for (const e of entries) cursor = Number(insert.run(...entryValues(e)).lastInsertRowid);
    } catch (error) {
      if (isUniqueViolation(error)) throw seqAlreadyStored(entries);
      throw error;
    }
    const upsertHead = this.#statement(SQL.upsertHead);
    for (const h of heads) upsertHead.run(...headValues(h));
    return cursor;
  }

  protected async queryAwaitingReceipt(query: AwaitingReceiptQuery): Promise<EntryRow[]> {
    const lists = { channels: JSON.stringify(query.channels), kinds: JSON.stringify(query.kinds) };
    return this.#statement(LIST_AWAITING).all({ ...query, ...lists }) as EntryRow[];
  }
}
