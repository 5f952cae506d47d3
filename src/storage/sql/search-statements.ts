/**
 * The search SQL both backends share (contract/search.ts, schema-search.ts), with `?`
 * placeholders: the index rows an append writes, the backfill's pending entries, and the search
 * query built from a dialect's match and list bindings. Hits are read newest first by cursor, so
 * paging is a keyset (`beforeCursor`) and every page is one index range.
 */
import { ENTRY_COLUMNS, type EntryRow } from '../rows.js';
import type { SearchDocument, SearchHit, SearchIndexer, SearchQuery, StoredEntry } from '../storage.js';
import { toCursored } from '../rows.js';

/** The marking column's value for real (unmarked) traffic. */
export const UNMARKED = 'none';

const DOC_COLUMNS = 'cursor, channel, party, kind, author, precedence, marking, at, text, terms';

export const SEARCH_SQL = {
  insertDoc: `INSERT INTO search_docs (${DOC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  /** Stored entries without an index row, oldest first. */
  pending: `SELECT ${ENTRY_COLUMNS} FROM entries AS e
    WHERE NOT EXISTS (SELECT 1 FROM search_docs AS d WHERE d.cursor = e.cursor)
    ORDER BY e.cursor LIMIT ?`,
} as const;

/** How a backend matches terms and binds lists in the search query. */
export interface SearchDialect {
  /** FROM clause naming the index rows `d` (and whatever the match needs). */
  readonly from: string;
  /** A condition that the row holds every term; binds one value, `matchValue(terms)`. */
  readonly match: string;
  matchValue(terms: readonly string[]): unknown;
  /** The ORDER BY expression for newest first. */
  readonly newestFirst: string;
  /** A condition that `column` is one of a bound list; binds one value, `listValue(values)`. */
  inList(column: string): string;
  listValue(values: readonly string[]): unknown;
}

/** An entry's index row values, in DOC_COLUMNS order; an entry without a document gets empty terms. */
export function docValues(entry: StoredEntry, cursor: number, doc: SearchDocument | null): unknown[] {
  return [
    cursor,
    entry.channel,
    entry.party,
    entry.kind,
    entry.author,
    entry.precedence,
    doc?.marking ?? UNMARKED,
    doc?.at ?? 0,
    doc?.text ?? '',
    doc?.terms ?? '',
  ];
}

/**
 * The document of an entry, or null when there is no indexer or it has no text. An indexer that
 * throws leaves the entry unsearchable rather than refusing the append: the log comes first.
 */
export function documentOf(indexer: SearchIndexer | null, entry: StoredEntry): SearchDocument | null {
  let doc: SearchDocument | null = null;
  try {
    doc = indexer?.(entry) ?? null;
  } catch {
    doc = null;
  }
  return doc && doc.terms.length > 0 ? doc : null;
}

/** A search query's SQL and values; null when it can find nothing (no term or no channel). */
export function searchStatement(
  dialect: SearchDialect,
  query: SearchQuery,
): { sql: string; values: unknown[] } | null {
  if (query.terms.length === 0 || query.channels.length === 0 || query.limit <= 0) return null;
  const where = [dialect.match, dialect.inList('d.channel')];
  const values: unknown[] = [dialect.matchValue(query.terms), dialect.listValue(query.channels)];
  const list = (column: string, items: readonly string[] | undefined): void => {
    if (items === undefined) return;
    where.push(dialect.inList(column));
    values.push(dialect.listValue(items));
  };
  list('d.party', query.parties);
  list('d.kind', query.kinds);
  list('d.precedence', query.precedences);
  list('d.marking', query.markings);
  const compare = (clause: string, value: number | undefined): void => {
    if (value === undefined) return;
    where.push(clause);
    values.push(value);
  };
  compare('d.at >= ?', query.from);
  compare('d.at < ?', query.to);
  compare('d.cursor < ?', query.beforeCursor);
  const columns = ENTRY_COLUMNS.split(', ')
    .map((c) => `e.${c}`)
    .join(', ');
  const sql = `SELECT ${columns}, d.text AS search_text, d.marking AS search_marking, d.at AS search_at
    FROM ${dialect.from} JOIN entries AS e ON e.cursor = d.cursor
    WHERE ${where.join(' AND ')}
    ORDER BY ${dialect.newestFirst} LIMIT ?`;
  return { sql, values: [...values, query.limit] };
}

/** A row of the search query. */
export interface SearchRow extends EntryRow {
  search_text: string;
  search_marking: string;
  search_at: number | string;
}

export function toSearchHit(row: SearchRow): SearchHit {
  return {
    entry: toCursored(row),
    text: row.search_text,
    marking: row.search_marking === UNMARKED ? null : row.search_marking,
    at: Number(row.search_at),
  };
}
