/**
 * Moving and backing up a SQLite node (contract/backup.ts): the copied tables from SQLite's
 * catalogue, one read transaction streaming them, the import of an export into an empty file,
 * and the online backup. What both backends share about a move lives in ../sql/table-copy.ts.
 */
import { chmodSync, closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import {
  importBatches,
  isCopiedTable,
  orderByReferences,
  quoteIdentifier,
  RESET_NODE_CLOCK,
  selectCopiedRows,
  toCell,
  type NodeMover,
} from '../sql/table-copy.js';
import type { BackupResult, CellValue, NodeSnapshot, TableCopy, TableRows } from '../storage.js';
import { currentSchemaVersion } from './migrations.js';
import { toSqliteValue } from './sqlite-dialect.js';

/** The mode of every file of the database, and of its backups: the owner only. */
export const FILE_MODE = 0o600;

/** Tightens a file to owner-only access if it is wider. */
export function restrictMode(path: string): void {
  if (!existsSync(path)) return;
  if ((statSync(path).mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
}

/** Moving a node out of and into one SQLite connection. */
export class SqliteNodeMover implements NodeMover {
  constructor(private readonly db: Database.Database) {}

  async copiedTables(): Promise<TableCopy[]> {
    return this.#copiedTables();
  }

  /** The copied tables from SQLite's catalogue, referenced tables first. */
  #copiedTables(): TableCopy[] {
    const db = this.db;
    const names = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    )
      .map((r) => r.name)
      .filter(isCopiedTable);
    const references = names.flatMap((from) =>
      (db.pragma(`foreign_key_list(${quoteIdentifier(from)})`) as { table: string }[]).map((r) => ({
        from,
        to: r.table,
      })),
    );
    return orderByReferences(names, references).map((name) => ({
      name,
      columns: (db.pragma(`table_info(${quoteIdentifier(name)})`) as { name: string }[]).map((c) => c.name),
      rows: (db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(name)}`).get() as { n: number }).n,
    }));
  }

  /**
   * One read transaction (WAL: a snapshot from its first read until it ends, while writers go
   * on). Rows are streamed with one open statement per table, so nothing else may use this
   * connection until `work` ends; the CLI's export has the connection to itself.
   */
  async readSnapshot<T>(work: (snapshot: NodeSnapshot) => Promise<T>): Promise<T> {
    const db = this.db;
    db.exec('BEGIN DEFERRED');
    try {
      const tables = this.#copiedTables();
      const snapshot: NodeSnapshot = {
        schemaVersion: currentSchemaVersion(db),
        tables,
        async *rows(table: string, batchSize: number) {
          const select = db.prepare(selectCopiedRows(tables, table)).raw(true);
          let batch: CellValue[][] = [];
          for (const row of select.iterate() as IterableIterator<unknown[]>) {
            batch.push(row.map(toCell));
            if (batch.length >= batchSize) {
              yield batch;
              batch = [];
            }
          }
          if (batch.length > 0) yield batch;
        },
      };
      return await work(snapshot);
    } finally {
      db.exec('COMMIT');
    }
  }

  /**
   * One IMMEDIATE transaction: the write lock is taken before the emptiness check, so nothing
   * else writes between the check and the commit. AUTOINCREMENT keys given explicitly move
   * SQLite's counters past them.
   */
  async importTables(
    tables: readonly Pick<TableCopy, 'name' | 'columns'>[],
    batches: AsyncIterable<TableRows>,
    onRows?: (written: number) => void,
  ): Promise<number> {
    const db = this.db;
    db.exec('BEGIN IMMEDIATE');
    try {
      const inserts = new Map<string, Database.Statement>();
      const written = await importBatches(
        this.#copiedTables(),
        tables,
        batches,
        (table, columns, rows) => {
          let insert = inserts.get(table);
          if (!insert) {
            const marks = columns.map(() => '?').join(', ');
            const names = columns.map(quoteIdentifier).join(', ');
            insert = db.prepare(`INSERT INTO ${quoteIdentifier(table)} (${names}) VALUES (${marks})`);
            inserts.set(table, insert);
          }
          for (const row of rows) insert.run(...row.map(toSqliteValue));
        },
        onRows,
      );
      db.exec(RESET_NODE_CLOCK);
      db.exec('COMMIT');
      return written;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}

/**
 * SQLite's online backup API: pages are copied in steps while this and other connections keep
 * writing (a step that sees a change made elsewhere starts over), so the copy is one
 * consistent state of the database. The file is created first, owner-only.
 */
export async function backupSqlite(db: Database.Database, path: string): Promise<BackupResult> {
  closeSync(openSync(path, 'wx', FILE_MODE));
  try {
    // After the first step, the rest in one: a step holds one read snapshot, so writers elsewhere
    // (which restart a backup whose source changed between steps) cannot keep it from ending.
    await db.backup(path, { progress: () => 1_000_000_000 });
    restrictMode(path);
    return { path, bytes: statSync(path).size };
  } catch (error) {
    rmSync(path, { force: true });
    throw error;
  }
}
