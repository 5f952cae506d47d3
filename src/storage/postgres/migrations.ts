/**
 * Versioned schema migrations for the PostgreSQL backend: the shared schema (../sql/schema.ts)
 * in PostgreSQL's dialect, what only PostgreSQL needs, and how PostgreSQL applies it.
 *
 * Every node has its own PostgreSQL schema (namespace); its migrations are recorded in that
 * schema's `schema_migrations` table. Each pending migration runs in its own transaction holding
 * a transaction-level advisory lock keyed on the schema name, so two processes opening one schema
 * at once apply each migration exactly once, and a crash leaves the schema at a known version
 * (PostgreSQL DDL is transactional). A schema whose version is newer than this code knows is
 * refused before anything is written.
 */
import type { PoolClient } from 'pg';
import {
  POSTGRES_DDL,
  SchemaTooNewError,
  latestVersion,
  migrationsTable,
  needsMigration,
  type Migration,
  type MigrationPolicy,
} from '../sql/schema.js';
import { schemaHistory } from '../sql/schema-history.js';
import { searchSchemaPostgres } from '../sql/schema-search.js';
import { SCHEMA_NAME_PATTERN } from './database-url.js';

/**
 * Identity values are handed out at insert time, not at commit: appends to different channels
 * could commit out of cursor order and a change-feed reader would skip the later cursor's
 * entries. Appends lock this one row until they commit (postgres-storage.ts).
 */
const FEED_LOCK: Migration = {
  version: 2,
  name: 'change feed order lock',
  // The text is indented as when it was released.
  sql: `
      CREATE TABLE feed_lock (
        id SMALLINT PRIMARY KEY CHECK (id = 1)
      );
      INSERT INTO feed_lock (id) VALUES (1);
    `,
};

export const MIGRATIONS: readonly Migration[] = schemaHistory(POSTGRES_DDL, searchSchemaPostgres, 1, [
  FEED_LOCK,
]);

/** The schema version this code writes and understands. */
export const LATEST_SCHEMA_VERSION = latestVersion(MIGRATIONS);

const CREATE_MIGRATIONS_TABLE = migrationsTable(POSTGRES_DDL);

/** The highest recorded migration version in the client's current schema, 0 when fresh. */
export async function currentSchemaVersion(client: PoolClient): Promise<number> {
  const table = await client.query<{ found: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS found",
  );
  if (!table.rows[0]?.found) return 0;
  const row = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return row.rows[0]?.v ?? 0;
}

/**
 * Brings the client's schema (the first entry of its search_path, created if missing) to the
 * latest version. Returns the versions applied by this call. Throws SchemaTooNewError before
 * writing anything when the schema is ahead of this code.
 */
export async function migrate(
  client: PoolClient,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
  policy: MigrationPolicy = 'apply',
): Promise<number[]> {
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`invalid schema name '${schema}'`);
  const known = latestVersion(migrations);
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const applied: number[] = [];
  // Read before any write (and before creating the schema), so a newer schema is left untouched.
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  const found = exists.rowCount ? await currentSchemaVersion(client) : 0;
  if (!needsMigration(found, known, policy)) return [];

  for (const migration of [null, ...ordered]) {
    await client.query('BEGIN');
    try {
      // Serialises migrations of this schema across processes; released at COMMIT/ROLLBACK.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('parley-migrate:' || $1))", [schema]);
      if (migration === null) {
        // Created only when missing: CREATE SCHEMA needs the CREATE privilege on the database
        // even with IF NOT EXISTS, which a role given just its own schema lacks.
        const present = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
        // The name is validated above; identifiers cannot be bound as parameters.
        if (!present.rowCount) await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(CREATE_MIGRATIONS_TABLE);
        await client.query('COMMIT');
        continue;
      }
      // Re-read under the lock: another process may have migrated meanwhile.
      const current = await currentSchemaVersion(client);
      if (current > known) throw new SchemaTooNewError(current, known);
      if (current >= migration.version) {
        await client.query('COMMIT');
        continue;
      }
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now(),
      ]);
      await client.query('COMMIT');
      applied.push(migration.version);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  return applied;
}
