/**
 * Alerting (contract/alerting.ts): how people of this node are reached when an escalation names
 * them — each person's e-mail address and alternates, each office's on-watch roster and webhook —
 * and the durable outbox of deliveries with the per-channel cursor of what has been planned.
 * SQLite's version 12, PostgreSQL's 13.
 *
 * A delivery's id is derived from (entry, transport, target), so planning one entry twice, from
 * two processes or after a crash, inserts nothing the second time.
 */
import type { DdlDialect, Migration } from './schema.js';

export function alertingSchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'alerting: rosters, alternates, webhooks and the delivery outbox',
    sql: `
      CREATE TABLE alert_people (
        principal TEXT PRIMARY KEY,
        email TEXT,
        alternates TEXT NOT NULL DEFAULT '[]',
        updated_at ${d.int} NOT NULL
      )${d.withoutRowid};
      CREATE TABLE alert_offices (
        office TEXT PRIMARY KEY,
        webhook_url TEXT,
        updated_at ${d.int} NOT NULL
      )${d.withoutRowid};
      CREATE TABLE watch_shifts (
        id TEXT PRIMARY KEY,
        office TEXT NOT NULL,
        principal TEXT NOT NULL,
        starts_at ${d.int} NOT NULL,
        ends_at ${d.int} NOT NULL,
        created_by TEXT NOT NULL,
        created_at ${d.int} NOT NULL,
        CHECK (ends_at > starts_at)
      )${d.withoutRowid};
      CREATE INDEX watch_shifts_office ON watch_shifts (office, starts_at);
      CREATE TABLE alert_deliveries (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        seq ${d.int} NOT NULL,
        transport TEXT NOT NULL CHECK (transport IN ('email', 'webhook')),
        target TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
        attempts ${d.int} NOT NULL,
        next_attempt_at ${d.int} NOT NULL,
        claimed_until ${d.int},
        last_error TEXT,
        created_at ${d.int} NOT NULL,
        sent_at ${d.int},
        updated_at ${d.int} NOT NULL
      )${d.withoutRowid};
      CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_attempt_at);
      CREATE INDEX alert_deliveries_entry ON alert_deliveries (channel, party, seq);
      CREATE TABLE alert_cursors (
        channel TEXT PRIMARY KEY,
        next_seq ${d.int} NOT NULL
      )${d.withoutRowid};
    `,
  };
}
