/**
 * The security audit trail (workflows/audit-trail): hash-chained, node-signed events with
 * sequence numbers as their key (so two writers cannot both take one), and a one-row signed head
 * so that cutting events off the end is seen. API tokens get their last use. The earlier
 * `audit_events` table is left as it was (unchained history, no longer written). SQLite's
 * version 6, PostgreSQL's 7.
 */
import type { DdlDialect, Migration } from './schema.js';

export function auditTrailSchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'security audit trail',
    sql: `
      CREATE TABLE security_events (
        seq ${d.int} PRIMARY KEY CHECK (seq >= 1),
        at ${d.int} NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        subject TEXT,
        address TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        node_key TEXT NOT NULL,
        sig TEXT NOT NULL
      );
      CREATE INDEX security_events_action ON security_events (action, seq);
      CREATE INDEX security_events_actor ON security_events (actor, seq);
      CREATE INDEX security_events_at ON security_events (at);

      CREATE TABLE security_trail_head (
        id ${d.smallInt} PRIMARY KEY CHECK (id = 1),
        seq ${d.int} NOT NULL,
        hash TEXT NOT NULL,
        node_key TEXT NOT NULL,
        sig TEXT NOT NULL
      );

      ALTER TABLE api_tokens ADD COLUMN last_used_at ${d.int};
    `,
  };
}
