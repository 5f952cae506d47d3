/**
 * Calendar feeds: one row per subscribable iCalendar address (contract/calendar-feeds.ts), the
 * token kept as its SHA-256 only. SQLite's version 9, PostgreSQL's 10.
 */
import type { DdlDialect, Migration } from './schema.js';

export function calendarFeedsSchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'calendar feeds',
    sql: `
      CREATE TABLE calendar_feeds (
        token_hash TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        principal TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('office', 'channel')),
        target TEXT NOT NULL,
        created_at ${d.int} NOT NULL
      )${d.withoutRowid};
      CREATE INDEX calendar_feeds_principal ON calendar_feeds (principal);
    `,
  };
}
