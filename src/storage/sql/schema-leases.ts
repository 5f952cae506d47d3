/**
 * What several processes of one node share beyond the log (README "Several processes of one
 * node"): leases, the node clock and the natural keys of node-written entries. SQLite's
 * version 4, PostgreSQL's 5.
 *
 * - `leases`: one row per piece of work that must run in one process at a time (an outbox per
 *   peer, the escalation scheduler, the witness, link tests). `epoch` is the fencing token: it
 *   grows by one each time the holder changes and is never reused (a released lease keeps its
 *   row with no holder). No session advisory locks, which break under transaction pooling.
 * - `node_clock`: the newest hybrid-logical-clock timestamp of any entry stored, read and
 *   advanced inside each append transaction, so the party's entries never go back in time
 *   whichever process wrote them.
 * - `entries.natural_key`: what a node-written entry is about (an escalation step, a delivery
 *   receipt of one seq), unique, so two racing processes cannot both sign it. Null for others;
 *   both engines allow any number of nulls in a unique index.
 */
import type { DdlDialect, Migration } from './schema.js';

export function leasesSchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'leases, node clock and natural keys',
    sql: `
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        epoch ${d.int} NOT NULL,
        acquired_at ${d.int} NOT NULL,
        expires_at ${d.int} NOT NULL
      )${d.withoutRowid};

      CREATE TABLE node_clock (
        id ${d.smallInt} PRIMARY KEY CHECK (id = 1),
        hlc TEXT NOT NULL
      );
      INSERT INTO node_clock (id, hlc) SELECT 1, coalesce(max(hlc), '') FROM entries;

      ALTER TABLE entries ADD COLUMN natural_key TEXT;
      CREATE UNIQUE INDEX entries_natural_key ON entries (natural_key);
    `,
  };
}
