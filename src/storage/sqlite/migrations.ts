/**
 * Versioned schema migrations for the SQLite backend: the shared schema (../sql/schema.ts) in
 * SQLite's dialect, and how SQLite applies it.
 *
 * Each pending migration runs in its own IMMEDIATE transaction and is recorded in
 * `schema_migrations`, so a crash leaves the database at a known version and two processes
 * opening the same file at once cannot both apply one. A database whose version is newer than
 * this code knows is refused rather than misread.
 */
import type Database from 'better-sqlite3';
import {
  SQLITE_DDL,
  SchemaTooNewError,
  latestVersion,
  migrationsTable,
  needsMigration,
  type Migration,
  type MigrationPolicy,
} from '../sql/schema.js';
import { schemaHistory } from '../sql/schema-history.js';
import { searchSchemaSqlite } from '../sql/schema-search.js';

/**
 * SQLite needs no migration for the change feed: one writer at a time means rowid cursors already
 * increase in commit order node-wide, so its second migration is the idempotency keys.
 */
export const MIGRATIONS: readonly Migration[] = schemaHistory(SQLITE_DDL, searchSchemaSqlite, 0);

/** The schema version this code writes and understands. */
export const LATEST_SCHEMA_VERSION = latestVersion(MIGRATIONS);

const CREATE_MIGRATIONS_TABLE = migrationsTable(SQLITE_DDL);

/** The highest recorded migration version, 0 for a fresh database. */
export function currentSchemaVersion(db: Database.Database): number {
  const table = db
    .prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
    )
    .get();
  if (!table || table.n === 0) return 0;
  const row = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get();
  return row?.v ?? 0;
}

/**
 * Brings the database to the latest schema. Returns the versions applied by this call (empty when
 * the schema was already current). Throws SchemaTooNewError before touching anything when the
 * database is ahead of this code.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
  policy: MigrationPolicy = 'apply',
): number[] {
  const known = latestVersion(migrations);
  const found = currentSchemaVersion(db);
  if (!needsMigration(found, known, policy)) return [];

  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const applied: number[] = [];
  for (const migration of ordered) {
    // The version is re-read inside the write lock: another process may have migrated meanwhile.
    const step = db.transaction(() => {
      db.exec(CREATE_MIGRATIONS_TABLE);
      const current = currentSchemaVersion(db);
      if (current > known) throw new SchemaTooNewError(current, known);
      if (current >= migration.version) return false;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
      return true;
    });
    if (step.immediate()) applied.push(migration.version);
  }
  return applied;
}

/** For read-only opens: checks the schema is exactly current without changing anything. */
export function assertSchemaCurrent(db: Database.Database, known: number = LATEST_SCHEMA_VERSION): void {
  const found = currentSchemaVersion(db);
  if (found > known) throw new SchemaTooNewError(found, known);
  if (found < known) {
    throw new Error(
      `database schema version ${found} is older than ${known}; open it read-write once to migrate`,
    );
  }
}
