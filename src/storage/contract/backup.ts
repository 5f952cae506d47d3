/**
 * The backup part of the storage contract: a consistent copy of the whole database taken while
 * the node may be serving (README "Backup and restore"), and the table-level copy that moves a
 * node between backends (`parley export --all` / `parley import`, workflows/backup/).
 *
 * SQLite copies itself with its online backup API; PostgreSQL is backed up with its own tools
 * (pg_dump, base backups), so there `backupTo` refuses with a message that says so.
 *
 * A move copies every table that holds the node (directory, channels, chains, receipts,
 * checkpoints, cosignatures, peers, pins, sessions, audit) row by row, with each column's value
 * as stored: nothing is decoded, decrypted or re-signed, so key material kept encrypted at rest
 * stays exactly as it was. Tables that only coordinate the running processes of one database
 * (migration bookkeeping, the feed order lock, leases) are not copied: the target has its own.
 */

/** What a finished backup reports. */
export interface BackupResult {
  /** Where the copy was written. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * A column value as a move carries it: text, number, boolean (PostgreSQL flags; SQLite stores 0/1
 * and the target engine converts), bytes, or null.
 */
export type CellValue = string | number | boolean | Uint8Array | null;

/** One table of a snapshot: its name, its columns in the order rows list them, and its row count. */
export interface TableCopy {
  name: string;
  columns: string[];
  rows: number;
}

/** A consistent, read-only view of the whole database while it is being copied. */
export interface NodeSnapshot {
  /** The engine's schema version of the copied database. */
  readonly schemaVersion: number;
  /** Copied tables, referenced tables before the tables that reference them. */
  readonly tables: readonly TableCopy[];
  /** The table's rows in batches of at most `batchSize`, values in `columns` order. */
  rows(table: string, batchSize: number): AsyncIterable<CellValue[][]>;
}

/** A batch of rows of one table, as an import consumes them. */
export interface TableRows {
  table: string;
  rows: CellValue[][];
}

export interface BackupStore {
  /**
   * Writes a consistent copy of the database to `path` (a new file, mode 0600), while other
   * connections may keep reading and writing. Refuses an existing `path`.
   */
  backupTo(path: string): Promise<BackupResult>;

  /** Runs `work` on one consistent snapshot of every copied table (a read transaction). */
  readSnapshot<T>(work: (snapshot: NodeSnapshot) => Promise<T>): Promise<T>;

  /**
   * The tables a move copies, with their columns and row counts (all 0: an empty node a move
   * may be imported into), referenced tables first.
   */
  copiedTables(): Promise<TableCopy[]>;

  /**
   * Writes every batch in one transaction: all of it or, on any failure (including a crash),
   * nothing. Refuses (before writing) a database that holds any copied row, a table or column
   * this schema lacks. Generated keys (entry cursors, evidence ids) keep their values and the
   * generators continue after them. `onRows` is told the running count after each batch.
   */
  importTables(
    tables: readonly Pick<TableCopy, 'name' | 'columns'>[],
    batches: AsyncIterable<TableRows>,
    onRows?: (written: number) => void,
  ): Promise<number>;
}
