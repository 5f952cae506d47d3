/**
 * Moving a PostgreSQL node (contract/backup.ts): the copied tables from the schema's catalogue,
 * one consistent snapshot of them read through a server-side cursor, and the import of an export
 * into an empty schema. What both backends share about a move lives in ../sql/table-copy.ts.
 */
import type pg from 'pg';
import {
  MAX_BOUND_VALUES,
  importBatches,
  isCopiedTable,
  orderByReferences,
  quoteIdentifier,
  RESET_NODE_CLOCK,
  selectCopiedRows,
  toCell,
  type NodeMover,
} from '../sql/table-copy.js';
import type { CellValue, NodeSnapshot, TableCopy, TableRows } from '../storage.js';
import { inTransaction, type Queryable } from './postgres-dialect.js';
import { currentSchemaVersion } from './migrations.js';

const TABLES_OF_SCHEMA = `SELECT table_name AS name FROM information_schema.tables
  WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
const COLUMNS_OF_SCHEMA = `SELECT table_name AS table, column_name AS name FROM information_schema.columns
  WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`;
const REFERENCES_OF_SCHEMA = `SELECT f.relname AS from, t.relname AS to
  FROM pg_constraint AS c
    JOIN pg_class AS f ON f.oid = c.conrelid
    JOIN pg_class AS t ON t.oid = c.confrelid
    JOIN pg_namespace AS n ON n.oid = f.relnamespace
  WHERE c.contype = 'f' AND n.nspname = current_schema()`;
const IDENTITY_COLUMNS = `SELECT table_name AS table, column_name AS name FROM information_schema.columns
  WHERE table_schema = current_schema() AND is_identity = 'YES'`;

/** The copied tables from the schema's catalogue, referenced tables first. */
async function copiedTablesOf(db: Queryable): Promise<TableCopy[]> {
  const names = (await db.query<{ name: string }>(TABLES_OF_SCHEMA)).rows
    .map((r) => r.name)
    .filter(isCopiedTable);
  const columns = (await db.query<{ table: string; name: string }>(COLUMNS_OF_SCHEMA)).rows;
  const references = (await db.query<{ from: string; to: string }>(REFERENCES_OF_SCHEMA)).rows;
  const tables: TableCopy[] = [];
  for (const name of orderByReferences(names, references)) {
    const count = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdentifier(name)}`);
    tables.push({
      name,
      columns: columns.filter((c) => c.table === name).map((c) => c.name),
      rows: count.rows[0]?.n ?? 0,
    });
  }
  return tables;
}

/** PostgreSQL infers each parameter's type from its target column, booleans from 0/1 included. */
function toPostgresValue(value: CellValue): unknown {
  return value instanceof Uint8Array ? Buffer.from(value) : value;
}

/** Moving a node out of and into one PostgreSQL schema, through the store's pool. */
export class PostgresNodeMover implements NodeMover {
  constructor(private readonly pool: pg.Pool) {}

  async copiedTables(): Promise<TableCopy[]> {
    return copiedTablesOf(this.pool);
  }

  /**
   * A REPEATABLE READ, READ ONLY transaction on one connection: one snapshot of every table
   * while writers go on. Rows are read through a server-side cursor, a batch per FETCH.
   */
  async readSnapshot<T>(work: (snapshot: NodeSnapshot) => Promise<T>): Promise<T> {
    return inTransaction(
      this.pool,
      async (client) => {
        const tables = await copiedTablesOf(client);
        const snapshot: NodeSnapshot = {
          schemaVersion: await currentSchemaVersion(client),
          tables,
          async *rows(table: string, batchSize: number) {
            await client.query(`DECLARE copy_rows NO SCROLL CURSOR FOR ${selectCopiedRows(tables, table)}`);
            try {
              for (;;) {
                const page = await client.query<unknown[]>({
                  text: `FETCH ${Math.max(1, Math.floor(batchSize))} FROM copy_rows`,
                  rowMode: 'array',
                });
                if (page.rows.length === 0) break;
                yield page.rows.map((row) => row.map(toCell));
              }
            } finally {
              await client.query('CLOSE copy_rows');
            }
          },
        };
        return work(snapshot);
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  /**
   * One transaction for the whole import. The emptiness check runs inside it, and node_info's
   * one-row key makes a second import racing into the same schema fail at its first row.
   * Identity columns take the exported values (OVERRIDING SYSTEM VALUE) and their sequences are
   * moved past them before the commit.
   */
  async importTables(
    tables: readonly Pick<TableCopy, 'name' | 'columns'>[],
    batches: AsyncIterable<TableRows>,
    onRows?: (written: number) => void,
  ): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      const written = await importBatches(
        await copiedTablesOf(db),
        tables,
        batches,
        (table, columns, rows) => insertRows(db, table, columns, rows),
        onRows,
      );
      const identities = await db.query<{ table: string; name: string }>(IDENTITY_COLUMNS);
      for (const { table, name } of identities.rows) {
        const quoted = quoteIdentifier(name);
        await db.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), max(${quoted})) FROM ${quoteIdentifier(table)} HAVING max(${quoted}) IS NOT NULL`,
          [quoteIdentifier(table), name],
        );
      }
      await db.query(RESET_NODE_CLOCK);
      return written;
    });
  }
}

/** Writes rows of one table, as many per statement as PostgreSQL binds. */
async function insertRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: TableRows['rows'],
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_BOUND_VALUES / Math.max(1, columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const values: unknown[] = [];
    const tuples = rows.slice(start, start + perStatement).map((row) => {
      const marks = row.map((value) => {
        values.push(toPostgresValue(value));
        return `$${values.length}`;
      });
      return `(${marks.join(', ')})`;
    });
    await db.query(
      `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) ` +
        `OVERRIDING SYSTEM VALUE VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}
