/**
 * The schema history both backends share: every migration of the shared schema, in one dialect,
 * in version order. SQLite's numbers are written below; PostgreSQL's history has one migration of
 * its own early on (2, the change-feed order lock), so its later versions are one higher. A
 * released version never changes; SQLite's 5 (PostgreSQL's 6) is not used.
 */
import {
  accountsSchema,
  idempotencySchema,
  initialSchema,
  type DdlDialect,
  type Migration,
} from './schema.js';
import { alertingSchema } from './schema-alerting.js';
import { auditTrailSchema } from './schema-audit-trail.js';
import { calendarFeedsSchema } from './schema-calendar-feeds.js';
import { keyCustodySchema } from './schema-key-custody.js';
import { leasesSchema } from './schema-leases.js';
import { nodeKeysSchema } from './schema-node-keys.js';
import { passkeysSchema } from './schema-passkeys.js';

/** How a dialect writes the search index (FTS5 in SQLite, tsvector in PostgreSQL). */
export type SearchSchema = (d: DdlDialect, version: number) => Migration;

/**
 * The shared migrations in `d`, each numbered as in SQLite plus `shift` after the first, with the
 * dialect's `own` migrations, sorted by version.
 */
export function schemaHistory(
  d: DdlDialect,
  search: SearchSchema,
  shift: number,
  own: readonly Migration[] = [],
): Migration[] {
  const version = (sqlite: number): number => sqlite + shift;
  return [
    initialSchema(d),
    idempotencySchema(d, version(2)),
    accountsSchema(d, version(3)),
    leasesSchema(d, version(4)),
    auditTrailSchema(d, version(6)),
    passkeysSchema(d, version(7)),
    nodeKeysSchema(d, version(8)),
    calendarFeedsSchema(d, version(9)),
    keyCustodySchema(d, version(10)),
    search(d, version(11)),
    alertingSchema(d, version(12)),
    ...own,
  ].sort((a, b) => a.version - b.version);
}
