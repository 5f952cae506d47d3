/**
 * What both SQL backends share for moving a node (contract/backup.ts): which tables a move
 * copies, the order that satisfies foreign keys, the shape check of an import against the target
 * schema, and the batch sizes. Each backend lists its own tables, columns and references (from
 * its catalogue) and runs the statements.
 */
import type { BackupStore, CellValue, TableCopy, TableRows } from '../contract/backup.js';

/**
 * Tables that coordinate the processes of one database rather than hold the node: migration
 * bookkeeping, SQLite's AUTOINCREMENT counters, PostgreSQL's change-feed order lock, and process
 * leases (whose epochs belong to the database they fence), the node clock. The target has its own.
 */
const PROCESS_TABLES = new Set(['schema_migrations', 'sqlite_sequence', 'feed_lock', 'node_clock']);

/**
 * The node clock is not copied (the target's one row exists from its migration): an import sets
 * it to the newest imported entry's timestamp, so the moved node never writes back in time.
 */
export const RESET_NODE_CLOCK =
  "UPDATE node_clock SET hlc = (SELECT coalesce(max(hlc), '') FROM entries) WHERE id = 1";

/** Tables derived from the log (the search index): rebuilt by the target when it opens. */
const DERIVED_PREFIX = 'search_';

export function isCopiedTable(name: string): boolean {
  return (
    !PROCESS_TABLES.has(name) &&
    !name.startsWith('sqlite_') &&
    !name.startsWith(DERIVED_PREFIX) &&
    !/lease/.test(name)
  );
}

/** Rows per SELECT page when reading a snapshot. */
export const READ_BATCH_ROWS = 500;
/** PostgreSQL binds at most 65,535 parameters per statement; stay well below it. */
export const MAX_BOUND_VALUES = 30_000;

/**
 * Orders tables so every table comes after the tables its foreign keys reference (ties by name);
 * a reference cycle, which the schema does not have, falls back to name order for its members.
 */
export function orderByReferences(
  names: readonly string[],
  references: ReadonlyArray<{ from: string; to: string }>,
): string[] {
  const pending = new Set(names);
  const needs = new Map(names.map((n) => [n, new Set<string>()]));
  for (const { from, to } of references) {
    if (from !== to && pending.has(to)) needs.get(from)?.add(to);
  }
  const ordered: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter((n) => [...needs.get(n)!].every((d) => !pending.has(d))).sort();
    const next = ready.length > 0 ? ready : [[...pending].sort()[0]!];
    for (const name of next) {
      pending.delete(name);
      ordered.push(name);
    }
  }
  return ordered;
}

/**
 * Throws unless every table and column to import exists in the target and the target holds no
 * copied row; nothing has been written when it throws.
 */
export function checkImportTarget(
  target: readonly TableCopy[],
  tables: readonly Pick<TableCopy, 'name' | 'columns'>[],
): void {
  const byName = new Map(target.map((t) => [t.name, t]));
  const nonEmpty = target.filter((t) => t.rows > 0);
  if (nonEmpty.length > 0) {
    throw new Error(
      `the target database already holds a node (${nonEmpty.map((t) => `${t.name}: ${t.rows} rows`).join(', ')}); ` +
        'import only into an empty one',
    );
  }
  for (const table of tables) {
    const found = byName.get(table.name);
    if (!found) throw new Error(`table ${table.name} of the export does not exist in the target schema`);
    const missing = table.columns.filter((c) => !found.columns.includes(c));
    if (missing.length > 0) {
      throw new Error(`the target's table ${table.name} lacks column(s) ${missing.join(', ')} of the export`);
    }
  }
}

/** Values as read from a driver, made into CellValues (Date → ISO text, bigint → number). */
export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`cannot copy a value of type ${typeof value}`);
}

/** Identifiers come from the database's own catalogue; quoting keeps any of them literal. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The statement that reads every copied column of one table of a snapshot. */
export function selectCopiedRows(tables: readonly TableCopy[], table: string): string {
  const copy = tables.find((t) => t.name === table);
  if (!copy) throw new Error(`table ${table} is not in the snapshot`);
  return `SELECT ${copy.columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}`;
}

/** How a backend moves a node: its catalogue, its snapshot, its import transaction. */
export type NodeMover = Pick<BackupStore, 'copiedTables' | 'readSnapshot' | 'importTables'>;

/**
 * The body of every import, inside the backend's transaction: checks the target (nothing
 * written if it throws), then writes each batch with `writeRows`, refusing rows of a table the
 * export does not list, and reports the running count. Resolves to the rows written.
 */
export async function importBatches(
  target: readonly TableCopy[],
  tables: readonly Pick<TableCopy, 'name' | 'columns'>[],
  batches: AsyncIterable<TableRows>,
  writeRows: (table: string, columns: readonly string[], rows: TableRows['rows']) => Promise<void> | void,
  onRows?: (written: number) => void,
): Promise<number> {
  checkImportTarget(target, tables);
  const columnsOf = new Map(tables.map((t) => [t.name, t.columns]));
  let written = 0;
  for await (const batch of batches) {
    const columns = columnsOf.get(batch.table);
    if (!columns) throw new Error(`rows of table ${batch.table}, which the export does not list`);
    await writeRows(batch.table, columns, batch.rows);
    written += batch.rows.length;
    onRows?.(written);
  }
  return written;
}
