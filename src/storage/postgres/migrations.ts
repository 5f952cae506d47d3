/**
 * Versioned schema migrations for the PostgreSQL backend.
 *
 * Migrations are append-only: a released migration is never edited, a schema change is a new
 * entry with the next version. Every node has its own PostgreSQL schema (namespace); its
 * migrations are recorded in that schema's `schema_migrations` table. Each pending migration runs
 * in its own transaction holding a transaction-level advisory lock keyed on the schema name, so
 * two processes opening one schema at once apply each migration exactly once, and a crash leaves
 * the schema at a known version (PostgreSQL DDL is transactional). A schema whose version is
 * newer than this code knows is refused before anything is written.
 */
import type { PoolClient } from 'pg';
import { SCHEMA_NAME_PATTERN } from './database-url.js';

/** One schema step. `sql` may hold several statements. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Schema notes (the same shape as the SQLite schema; see sqlite/migrations.ts):
 * - Every count, seq, size and millisecond time is BIGINT; the backend returns JS numbers.
 * - `entries.cursor` is an identity column: unique, increasing in insertion order, never reused
 *   (a rolled-back insert leaves a gap, which readers do not mind). Appends lock their channels'
 *   rows first, so within one channel cursors are also assigned in commit order (see
 *   postgres-storage.ts).
 * - `(channel, cursor)` serves readChannel, `(channel, kind, cursor)` the candidate scan of
 *   listAwaitingReceipt, and the partial receipts index its NOT EXISTS probe.
 * - List-valued channel fields and head frontiers are JSON text, exactly as the SQLite backend
 *   stores them, so both round-trip identically (jsonb would reorder object keys).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE node_info (
        id SMALLINT PRIMARY KEY CHECK (id = 1),
        party TEXT NOT NULL,
        party_name TEXT NOT NULL,
        node_public_key TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );

      CREATE TABLE offices (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL
      );

      CREATE TABLE principals (
        id TEXT PRIMARY KEY,
        office TEXT REFERENCES offices (id),
        role TEXT NOT NULL,
        title TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        public_key TEXT NOT NULL,
        private_key TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        disabled BOOLEAN NOT NULL
      );
      CREATE INDEX principals_office ON principals (office);

      CREATE TABLE channels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        offices TEXT NOT NULL,
        languages TEXT NOT NULL,
        parties TEXT NOT NULL,
        observers TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('proposed', 'active', 'suspended', 'closed')),
        created_at BIGINT NOT NULL
      );

      CREATE TABLE peers (
        party TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        node_public_key TEXT NOT NULL,
        tls_ca TEXT,
        added_at BIGINT NOT NULL
      );

      CREATE TABLE replication (
        peer TEXT NOT NULL REFERENCES peers (party),
        channel TEXT NOT NULL REFERENCES channels (id),
        acked_size BIGINT NOT NULL,
        PRIMARY KEY (peer, channel)
      );

      CREATE TABLE witnessed (
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        size BIGINT NOT NULL,
        root TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (channel, party, size)
      );

      CREATE TABLE cosignatures (
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        size BIGINT NOT NULL,
        witness TEXT NOT NULL,
        note TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (channel, party, witness, size)
      );

      CREATE TABLE equivocations (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        note_a TEXT NOT NULL,
        note_b TEXT NOT NULL,
        detail TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        at BIGINT NOT NULL
      );

      CREATE TABLE link_tests (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        peer TEXT NOT NULL,
        at BIGINT NOT NULL,
        ok BOOLEAN NOT NULL,
        rtt_ms DOUBLE PRECISION,
        error TEXT
      );
      CREATE INDEX link_tests_peer ON link_tests (peer, at);

      CREATE TABLE forks (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        seq BIGINT NOT NULL,
        stored_hash TEXT NOT NULL,
        conflicting_canonical TEXT NOT NULL,
        conflicting_sig TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        at BIGINT NOT NULL
      );

      CREATE TABLE entries (
        cursor BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        channel TEXT NOT NULL REFERENCES channels (id),
        party TEXT NOT NULL,
        seq BIGINT NOT NULL CHECK (seq >= 0),
        hash TEXT NOT NULL,
        canonical TEXT NOT NULL,
        sig TEXT NOT NULL,
        kind TEXT NOT NULL,
        author TEXT NOT NULL,
        precedence TEXT NOT NULL,
        hlc TEXT NOT NULL,
        ref TEXT,
        stored_at BIGINT NOT NULL,
        CONSTRAINT entries_chain_seq UNIQUE (channel, party, seq)
      );
      CREATE INDEX entries_channel_cursor ON entries (channel, cursor);
      CREATE INDEX entries_channel_kind ON entries (channel, kind, cursor);
      CREATE INDEX entries_receipts ON entries (channel, author, ref) WHERE kind = 'receipt';

      CREATE TABLE chain_heads (
        channel TEXT NOT NULL REFERENCES channels (id),
        party TEXT NOT NULL,
        size BIGINT NOT NULL CHECK (size >= 0),
        hash TEXT,
        frontier TEXT NOT NULL,
        checkpoint TEXT NOT NULL,
        PRIMARY KEY (channel, party)
      );

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        principal TEXT NOT NULL REFERENCES principals (id),
        csrf_token TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX sessions_expires ON sessions (expires_at);

      CREATE TABLE api_tokens (
        token_hash TEXT PRIMARY KEY,
        principal TEXT NOT NULL REFERENCES principals (id),
        label TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );

      CREATE TABLE audit_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        type TEXT NOT NULL,
        principal TEXT,
        ip TEXT,
        detail TEXT NOT NULL
      );
    `,
  },
];

/** The schema version this code writes and understands. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** The schema was written by newer code; opening it could corrupt or misread it. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `database schema version ${found} is newer than this build supports (${known}); ` +
        'upgrade Parley or open the database with the version that wrote it',
    );
  }
}

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`;

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
): Promise<number[]> {
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`invalid schema name '${schema}'`);
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const applied: number[] = [];
  // Read before any write (and before creating the schema), so a newer schema is left untouched.
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  const found = exists.rowCount ? await currentSchemaVersion(client) : 0;
  if (found > known) throw new SchemaTooNewError(found, known);
  if (found === known) return [];

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
