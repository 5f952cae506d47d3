/**
 * How PostgreSQL spells what the shared SQL store leaves to a dialect: numbered placeholders,
 * exact BIGINTs, what a unique violation looks like, and the few statements only PostgreSQL has
 * (array parameters through unnest, so a batch is one statement; tsvector search).
 */
import pg from 'pg';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { ENTRY_COLUMNS } from '../rows.js';
import type { SearchDialect } from '../sql/search-statements.js';

/** Anything that runs queries: the pool (autocommit) or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * Runs `work` in one transaction on one connection of `pool`, opened with `begin`; rolls back on
 * any throw.
 */
export function inTransaction<T>(
  pool: pg.Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  return inOwnTransaction(pool, async (client) => {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  });
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
export const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format),
};

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION;
}

/** The unique index of node-written entries' natural keys (sql/schema-leases.ts). */
const NATURAL_KEY_INDEX = 'entries_natural_key';

/** Whether `error` is a second entry with a natural key already stored. */
export function isNaturalKeyViolation(error: unknown): boolean {
  return isUniqueViolation(error) && (error as pg.DatabaseError).constraint === NATURAL_KEY_INDEX;
}

/** Shared SQL is written with `?`; PostgreSQL wants `$1, $2, …`. Converted once per text. */
const numberedCache = new Map<string, string>();
export function numbered(sql: string): string {
  let text = numberedCache.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numberedCache.set(sql, text);
  }
  return text;
}

// The literal kind = 'receipt' lets the planner use the partial receipts index.
export const LIST_AWAITING = `SELECT ${ENTRY_COLUMNS} FROM entries AS e
  WHERE e.channel = ANY($1::text[])
    AND e.kind = ANY($2::text[])
    AND e.author <> $3
    AND NOT EXISTS (
      SELECT 1 FROM entries AS r
      WHERE r.kind = 'receipt' AND r.channel = e.channel AND r.author = $3
        AND r.ref = e.party || '/' || e.seq)
  ORDER BY e.cursor LIMIT $4`;

/**
 * Search filters on the index rows and matches the tsvector of their JS-stemmed terms with the
 * `simple` configuration (https://www.postgresql.org/docs/current/textsearch-controls.html), so
 * PostgreSQL neither stems nor drops words a second time: the same terms match as in SQLite.
 */
export const POSTGRES_SEARCH: SearchDialect = {
  from: 'search_docs AS d',
  match: "d.vector @@ plainto_tsquery('simple', ?)",
  matchValue: (terms) => terms.join(' '),
  newestFirst: 'd.cursor DESC',
  inList: (column) => `${column} = ANY(?::text[])`,
  listValue: (values) => [...values],
};

// Index rows for entries named by position (their cursors are looked up), one statement a batch.
export const INSERT_DOCS = `INSERT INTO search_docs
    (cursor, channel, party, kind, author, precedence, marking, at, text, terms)
  SELECT e.cursor, e.channel, e.party, e.kind, e.author, e.precedence, d.marking, d.at, d.text, d.terms
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[])
    AS d (channel, party, seq, marking, at, text, terms)
    JOIN entries AS e ON e.channel = d.channel AND e.party = d.party AND e.seq = d.seq
  ON CONFLICT (cursor) DO NOTHING`;

/**
 * Runs `work` on one connection of `pool`; `work` opens its transaction in its first round trip
 * and commits in its last, so neither costs a round trip of its own (postgres-append.ts). Rolls
 * back on any throw (harmless when nothing was open).
 */
export async function inOwnTransaction<T>(
  pool: pg.Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    return await work(client);
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
