/**
 * The schema both backends share, written once: each migration is a function of a small DDL
 * dialect (column types, key generation, SQLite's WITHOUT ROWID), so SQLite and PostgreSQL get
 * the same tables, columns, keys and indexes. Also the migration bookkeeping they share.
 *
 * Migrations are append-only: a released migration's SQL is never changed, a schema change is a
 * new entry with the next version. Each dialect file (sqlite/migrations.ts,
 * postgres/migrations.ts) lists its migrations and how it runs them.
 *
 * Schema notes (sized for millions of entries):
 * - `entries.cursor` is the rowid in SQLite (INTEGER PRIMARY KEY AUTOINCREMENT: rows clustered in
 *   storage order, a cursor never reused after a deletion) and an identity column in PostgreSQL
 *   (never reused; a rolled-back insert leaves a gap, which readers do not mind). Either way it is
 *   unique and increasing; the backends make it follow commit order (see the backends' comments).
 *   The natural key (channel, party, seq) is a UNIQUE constraint; a WITHOUT ROWID table keyed on
 *   it would be a poor fit in SQLite because entry rows (canonical text + signature) are far
 *   larger than a twentieth of a page.
 * - `(channel, cursor)` serves readChannel and `(channel, kind, cursor)` the candidate scan of
 *   listAwaitingReceipt (in a SQLite rowid table every index implicitly ends with the rowid).
 * - Receipts get a partial index on (channel, author, ref) so the NOT EXISTS probe of
 *   listAwaitingReceipt is one index seek per candidate and costs nothing for other kinds.
 * - Every count, seq, size and millisecond time is INTEGER in SQLite and BIGINT in PostgreSQL;
 *   the PostgreSQL backend returns JS numbers.
 * - List-valued channel fields and head frontiers are JSON text in both, so both round-trip
 *   identically (jsonb would reorder object keys).
 */

/** One schema step. `sql` may hold several statements. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** How the dialects spell the parts of the shared DDL that differ. */
export interface DdlDialect {
  /** A count, seq, size or millisecond time. */
  readonly int: string;
  /** The one-row node_info key. */
  readonly smallInt: string;
  /** A generated, never reused, increasing primary key. */
  readonly serialKey: string;
  readonly real: string;
  /** A NOT NULL boolean column named `column`. */
  readonly flag: (column: string) => string;
  /** Table option for tables clustered on their primary key (SQLite only). */
  readonly withoutRowid: string;
  /** The (channel, party, seq) uniqueness of entries. */
  readonly uniqueChainSeq: string;
}

export const SQLITE_DDL: DdlDialect = {
  int: 'INTEGER',
  smallInt: 'INTEGER',
  serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  real: 'REAL',
  flag: (column) => `${column} INTEGER NOT NULL CHECK (${column} IN (0, 1))`,
  withoutRowid: ' WITHOUT ROWID',
  uniqueChainSeq: 'UNIQUE (channel, party, seq)',
};

export const POSTGRES_DDL: DdlDialect = {
  int: 'BIGINT',
  smallInt: 'SMALLINT',
  serialKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  real: 'DOUBLE PRECISION',
  flag: (column) => `${column} BOOLEAN NOT NULL`,
  withoutRowid: '',
  uniqueChainSeq: 'CONSTRAINT entries_chain_seq UNIQUE (channel, party, seq)',
};

/** Migration 1 of both backends. Released: never change what it produces. */
export function initialSchema(d: DdlDialect): Migration {
  return {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE node_info (
        id ${d.smallInt} PRIMARY KEY CHECK (id = 1),
        party TEXT NOT NULL,
        party_name TEXT NOT NULL,
        node_public_key TEXT NOT NULL,
        created_at ${d.int} NOT NULL
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
        created_at ${d.int} NOT NULL,
        ${d.flag('disabled')}
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
        created_at ${d.int} NOT NULL
      );

      CREATE TABLE peers (
        party TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        node_public_key TEXT NOT NULL,
        tls_ca TEXT,
        added_at ${d.int} NOT NULL
      );

      -- How much of this party's chain in a channel each peer has confirmed holding: the
      -- durable outbox is everything past it.
      CREATE TABLE replication (
        peer TEXT NOT NULL REFERENCES peers (party),
        channel TEXT NOT NULL REFERENCES channels (id),
        acked_size ${d.int} NOT NULL,
        PRIMARY KEY (peer, channel)
      )${d.withoutRowid};

      -- Checkpoints of other parties' chains this node has cosigned as a witness: one root per
      -- size, ever (C2SP tlog-witness: a witness never cosigns two roots for one size).
      CREATE TABLE witnessed (
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        size ${d.int} NOT NULL,
        root TEXT NOT NULL,
        at ${d.int} NOT NULL,
        PRIMARY KEY (channel, party, size)
      )${d.withoutRowid};

      -- Cosignatures other parties' nodes made of this node's checkpoints.
      CREATE TABLE cosignatures (
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        size ${d.int} NOT NULL,
        witness TEXT NOT NULL,
        note TEXT NOT NULL,
        at ${d.int} NOT NULL,
        PRIMARY KEY (channel, party, witness, size)
      )${d.withoutRowid};

      -- Two checkpoints signed by one node that no consistency proof links: portable proof.
      CREATE TABLE equivocations (
        id ${d.serialKey},
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        note_a TEXT NOT NULL,
        note_b TEXT NOT NULL,
        detail TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        at ${d.int} NOT NULL
      );

      -- Signed heartbeats exchanged with each peer (link tests).
      CREATE TABLE link_tests (
        id ${d.serialKey},
        peer TEXT NOT NULL,
        at ${d.int} NOT NULL,
        ${d.flag('ok')},
        rtt_ms ${d.real},
        error TEXT
      );
      CREATE INDEX link_tests_peer ON link_tests (peer, at);

      -- Proof of a peer signing two different entries at one chain position.
      CREATE TABLE forks (
        id ${d.serialKey},
        channel TEXT NOT NULL,
        party TEXT NOT NULL,
        seq ${d.int} NOT NULL,
        stored_hash TEXT NOT NULL,
        conflicting_canonical TEXT NOT NULL,
        conflicting_sig TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        at ${d.int} NOT NULL
      );

      CREATE TABLE entries (
        cursor ${d.serialKey},
        channel TEXT NOT NULL REFERENCES channels (id),
        party TEXT NOT NULL,
        seq ${d.int} NOT NULL CHECK (seq >= 0),
        hash TEXT NOT NULL,
        canonical TEXT NOT NULL,
        sig TEXT NOT NULL,
        kind TEXT NOT NULL,
        author TEXT NOT NULL,
        precedence TEXT NOT NULL,
        hlc TEXT NOT NULL,
        ref TEXT,
        stored_at ${d.int} NOT NULL,
        ${d.uniqueChainSeq}
      );
      CREATE INDEX entries_channel_cursor ON entries (channel, cursor);
      CREATE INDEX entries_channel_kind ON entries (channel, kind, cursor);
      CREATE INDEX entries_receipts ON entries (channel, author, ref) WHERE kind = 'receipt';

      CREATE TABLE chain_heads (
        channel TEXT NOT NULL REFERENCES channels (id),
        party TEXT NOT NULL,
        size ${d.int} NOT NULL CHECK (size >= 0),
        hash TEXT,
        frontier TEXT NOT NULL,
        checkpoint TEXT NOT NULL,
        PRIMARY KEY (channel, party)
      )${d.withoutRowid};

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        principal TEXT NOT NULL REFERENCES principals (id),
        csrf_token TEXT NOT NULL,
        created_at ${d.int} NOT NULL,
        expires_at ${d.int} NOT NULL
      );
      CREATE INDEX sessions_expires ON sessions (expires_at);

      CREATE TABLE api_tokens (
        token_hash TEXT PRIMARY KEY,
        principal TEXT NOT NULL REFERENCES principals (id),
        label TEXT NOT NULL,
        created_at ${d.int} NOT NULL
      );

      CREATE TABLE audit_events (
        id ${d.serialKey},
        at ${d.int} NOT NULL,
        type TEXT NOT NULL,
        principal TEXT,
        ip TEXT,
        detail TEXT NOT NULL
      );
    `,
  };
}

/**
 * Remembered answers of requests sent with an `Idempotency-Key` (http/idempotency.ts). A row with
 * a null status is a claim of a request still running. Kept 24 hours: `expires_at` serves the
 * purge. Added after the first release, so its version differs by dialect (PostgreSQL has a
 * migration 2 of its own); the table is the same in both.
 */
export function idempotencySchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'idempotency keys',
    sql: `
      CREATE TABLE idempotency_keys (
        principal TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status ${d.int},
        content_type TEXT,
        body TEXT,
        created_at ${d.int} NOT NULL,
        expires_at ${d.int} NOT NULL,
        PRIMARY KEY (principal, idem_key)
      )${d.withoutRowid};
      CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
    `,
  };
}

/**
 * Accounts hardening: API tokens get an expiry (null for tokens issued before it, which keep
 * working until revoked) and sessions a last-seen time for the idle timeout; both get an index
 * on their principal so ending a person's sessions and tokens is one indexed delete. SQLite's
 * version 3, PostgreSQL's 4.
 */
export function accountsSchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'token expiry and session idle time',
    sql: `
      ALTER TABLE api_tokens ADD COLUMN expires_at ${d.int};
      ALTER TABLE sessions ADD COLUMN last_seen_at ${d.int} NOT NULL DEFAULT 0;
      CREATE INDEX api_tokens_principal ON api_tokens (principal);
      CREATE INDEX sessions_principal ON sessions (principal);
    `,
  };
}

/** The table that records applied migrations. */
export function migrationsTable(d: DdlDialect): string {
  return `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at ${d.int} NOT NULL
  )`;
}

/** The highest version in a list of migrations. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/** The database was written by newer code; opening it could corrupt or misread it. */
/**
 * What opening does with migrations the database has not had yet: `apply` them (the default, and
 * always for a new database), or `refuse` to open (`parley serve` without `--migrate`, so that an
 * upgrade of a running fleet is a deliberate step: stop, back up, `parley migrate`).
 */
export type MigrationPolicy = 'apply' | 'refuse';

/**
 * Whether a database at schema version `found` is to be migrated to `known` (false: it is
 * current). Throws SchemaTooNewError when it is ahead of this code, and SchemaPendingError when
 * it is behind and `policy` refuses; a new database (version 0) is always created.
 */
export function needsMigration(found: number, known: number, policy: MigrationPolicy): boolean {
  if (found > known) throw new SchemaTooNewError(found, known);
  if (found === known) return false;
  if (found > 0 && policy === 'refuse') throw new SchemaPendingError(found, known);
  return true;
}

/** What opening either backend takes. */
export interface SqlOpenOptions {
  /** Whether pending migrations of an existing database are applied or refused. */
  migrations?: MigrationPolicy;
}

/** The database is behind this build and the caller did not ask to migrate it; nothing changed. */
export class SchemaPendingError extends Error {
  override readonly name = 'SchemaPendingError';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `database schema version ${found} is older than this build's ${known}: stop every node process ` +
        'of this data directory, back it up, then run `parley migrate` (or start with `parley serve --migrate`)',
    );
  }
}

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
