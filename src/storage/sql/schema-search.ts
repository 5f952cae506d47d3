/**
 * Full-text search (contract/search.ts): `search_docs` holds one row per stored entry (its
 * readable text, index terms and the columns search filters on), keyed by the entry's cursor;
 * an entry without searchable text gets a row with empty terms, so the backfill knows it is done.
 * The index itself is engine-specific: SQLite's FTS5 over the terms (an external-content table,
 * https://sqlite.org/fts5.html#external_content_tables), PostgreSQL's tsvector of the terms with
 * the `simple` configuration and a GIN index (the terms are already stemmed in JS, so both
 * engines match the same words). Derived from the log: never copied by a move, rebuilt at open.
 * SQLite's version 11, PostgreSQL's 12.
 */
import type { DdlDialect, Migration } from './schema.js';

function searchDocs(d: DdlDialect, extra: string): string {
  return `
    CREATE TABLE search_docs (
      cursor ${d.int} PRIMARY KEY,
      channel TEXT NOT NULL,
      party TEXT NOT NULL,
      kind TEXT NOT NULL,
      author TEXT NOT NULL,
      precedence TEXT NOT NULL,
      marking TEXT NOT NULL,
      at ${d.int} NOT NULL,
      text TEXT NOT NULL,
      terms TEXT NOT NULL${extra}
    );
    CREATE INDEX search_docs_channel_cursor ON search_docs (channel, cursor);`;
}

export function searchSchemaSqlite(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'full-text search',
    sql: `${searchDocs(d, '')}
      CREATE VIRTUAL TABLE search_fts USING fts5(
        terms, content = 'search_docs', content_rowid = 'cursor',
        tokenize = 'unicode61 remove_diacritics 0'
      );
    `,
  };
}

export function searchSchemaPostgres(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'full-text search',
    sql: `${searchDocs(d, `,\n      vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED`)}
      CREATE INDEX search_docs_vector ON search_docs USING GIN (vector);
    `,
  };
}
