/**
 * Versioned schema migrations for the SQLite backend.
 *
 * Migrations are append-only: a released migration is never edited, a schema change is a new
 * entry with the next version. Each pending migration runs in its own IMMEDIATE transaction and
 * is recorded in `schema_migrations`, so a crash leaves the database at a known version and two
 * processes opening the same file at once cannot both apply one. A database whose version is
 * newer than this code knows is refused rather than misread.
 */
import type Database from 'better-sqlite3';

/** One schema step. `sql` may hold several statements. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Schema notes (sized for millions of entries):
 * - `entries.cursor` is the rowid (INTEGER PRIMARY KEY), so rows are clustered in storage order
 *   and the cursor is unique and increasing. AUTOINCREMENT keeps a cursor from ever being reused
 *   after a deletion, which live-update clients rely on. The natural key (channel, party, seq) is
 *   a UNIQUE constraint; a WITHOUT ROWID table keyed on it would be a poor fit because entry
 *   rows (canonical text + signature) are far larger than a twentieth of a page.
 * - In a rowid table every index implicitly ends with the rowid, so `(channel, cursor)` serves
 *   readChannel and `(channel, kind, cursor)` serves the candidate scan of listAwaitingReceipt.
 * - Receipts get a partial index on (channel, author, ref) so the NOT EXISTS probe of
 *   listAwaitingReceipt is one index seek per candidate and costs nothing for other kinds.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE node_info (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        party TEXT NOT NULL,
        party_name TEXT NOT NULL,
        node_public_key TEXT NOT NULL,
        created_at INTEGER NOT NULL
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
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL CHECK (disabled IN (0, 1))
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
        created_at INTEGER NOT NULL
      );

      CREATE TABLE peers (
        party TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        node_public_key TEXT NOT NULL,
        tls_ca TEXT,
        added_at INTEGER NOT NULL
      );

      -- How much of this party's chain in a channel each peer has confirmed holding: the
      -- durable outbox is everything past it.
      CREATE TABLE replication (
        peer TEXT NOT NULL REFERENCES peers (party),
        channel TEXT NOT NULL REFERENCES channels (id),
        acked_size INTEGER NOT NULL,
        PRIMARY KEY (peer, channel)
      ) WITHOUT ROWID;

      -- Checkpoints of other parties' chains this node has cosigned as a witness: one root per
      -- size, ever (C2SP tlog-witness: a witness never cosigns two roots for one size).
      CREATE TABLE witnessed (
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        size INTEGER NOT NULL,
        root TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (channel, party, size)
      ) WITHOUT ROWID;

      -- Cosignatures other parties' nodes made of this node's checkpoints.
      CREATE TABLE cosignatures (
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        size INTEGER NOT NULL,
        witness TEXT NOT NULL,
        note TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (channel, party, witness, size)
      ) WITHOUT ROWID;

      -- Two checkpoints signed by one node that no consistency proof links: portable proof.
      CREATE TABLE equivocations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        note_a TEXT NOT NULL,
        note_b TEXT NOT NULL,
        detail TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        at INTEGER NOT NULL
      );

      -- Signed heartbeats exchanged with each peer (link tests).
      CREATE TABLE link_tests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        peer TEXT NOT NULL,
        at INTEGER NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        rtt_ms REAL,
        error TEXT
      );
      CREATE INDEX link_tests_peer ON link_tests (peer, at);

      -- Proof of a peer signing two different entries at one chain position.
      CREATE TABLE forks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        seq INTEGER NOT NULL,
        stored_hash TEXT NOT NULL,
        conflicting_canonical TEXT NOT NULL,
        conflicting_sig TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        at INTEGER NOT NULL
      );

      CREATE TABLE entries (
        cursor INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL REFERENCES channels (id),
        party TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq >= 0),
        hash TEXT NOT NULL,
        canonical TEXT NOT NULL,
        sig TEXT NOT NULL,
        kind TEXT NOT NULL,
        author TEXT NOT NULL,
        precedence TEXT NOT NULL,
        hlc TEXT NOT NULL,
        ref TEXT,
        stored_at INTEGER NOT NULL,
        UNIQUE (channel, party, seq)
      );
      CREATE INDEX entries_channel_cursor ON entries (channel, cursor);
      CREATE INDEX entries_channel_kind ON entries (channel, kind, cursor);
      CREATE INDEX entries_receipts ON entries (channel, author, ref) WHERE kind = 'receipt';

      CREATE TABLE chain_heads (
        channel TEXT NOT NULL REFERENCES channels (id),
        party TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        hash TEXT,
        frontier TEXT NOT NULL,
        checkpoint TEXT NOT NULL,
        PRIMARY KEY (channel, party)
      ) WITHOUT ROWID;

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        principal TEXT NOT NULL REFERENCES principals (id),
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_expires ON sessions (expires_at);

      CREATE TABLE api_tokens (
        token_hash TEXT PRIMARY KEY,
        principal TEXT NOT NULL REFERENCES principals (id),
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
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

/** The database was written by newer code; opening it could corrupt or misread it. */
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
    applied_at INTEGER NOT NULL
  )`;

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
): number[] {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const found = currentSchemaVersion(db);
  if (found > known) throw new SchemaTooNewError(found, known);
  if (found === known) return [];

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
