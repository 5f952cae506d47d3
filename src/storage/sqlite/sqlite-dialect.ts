/**
 * How SQLite spells what the shared SQL store leaves to a dialect: 0/1 for booleans, what a
 * unique violation looks like, and the few statements only SQLite has (lists bound as JSON
 * arrays, so one prepared statement serves any number of values; FTS5 search).
 */
import Database from 'better-sqlite3';
import { ENTRY_COLUMNS } from '../rows.js';
import type { SearchDialect } from '../sql/search-statements.js';
import type { CellValue } from '../storage.js';

/** SQLite has no boolean: flags are 0/1 (what PostgreSQL's booleans become on the way in). */
export function toSqliteValue(value: CellValue): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Uint8Array) return Buffer.from(value);
  return value;
}

export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

// Lists are bound as JSON arrays so one prepared statement serves any number of values. The
// literal kind = 'receipt' lets SQLite use the partial receipts index. INDEXED BY pins the plan:
// with ANALYZE statistics SQLite prefers a full scan in cursor order, which took ~0.5 s at 1M
// entries for a rare kind; per (channel, kind) index ranges with a top-N sort stay in
// milliseconds.
export const LIST_AWAITING = `SELECT ${ENTRY_COLUMNS} FROM entries AS e INDEXED BY entries_channel_kind
  WHERE e.channel IN (SELECT value FROM json_each(@channels))
    AND e.kind IN (SELECT value FROM json_each(@kinds))
    AND e.author <> @principal
    AND NOT EXISTS (
      SELECT 1 FROM entries AS r
      WHERE r.kind = 'receipt' AND r.channel = e.channel AND r.author = @principal
        AND r.ref = e.party || '/' || e.seq)
  ORDER BY e.cursor LIMIT @limit`;

export const CHANNEL_EXISTS = 'SELECT 1 AS one FROM channels WHERE id = ?';

/**
 * Search reads the FTS5 index in rowid (= cursor) order, newest first, joining each hit's row
 * for the filters, so a page stops after `limit` hits. Terms are letters and digits only; each is
 * quoted as an FTS5 string, and strings side by side must all occur
 * (https://sqlite.org/fts5.html#full_text_query_syntax).
 */
export const SQLITE_SEARCH: SearchDialect = {
  from: 'search_fts AS f JOIN search_docs AS d ON d.cursor = f.rowid',
  match: 'search_fts MATCH ?',
  matchValue: (terms) => terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' '),
  newestFirst: 'f.rowid DESC',
  inList: (column) => `${column} IN (SELECT value FROM json_each(?))`,
  listValue: (values) => JSON.stringify(values),
};
export const INSERT_DOC = `INSERT OR IGNORE INTO search_docs
  (cursor, channel, party, kind, author, precedence, marking, at, text, terms)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const INSERT_FTS = 'INSERT INTO search_fts (rowid, terms) VALUES (?, ?)';
export const STORED_NATURAL_KEYS =
  'SELECT natural_key AS key FROM entries WHERE natural_key IN (SELECT value FROM json_each(?))';
