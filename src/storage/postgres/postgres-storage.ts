/**
 * The PostgreSQL storage backend (node-postgres, one Pool per store).
 *
 * Each node keeps its tables in its own PostgreSQL schema, named by `?schema=` in the database URL
 * (or an option), so several nodes can share one database. Every connection of the pool starts
 * with `search_path` set to that schema and `synchronous_commit=on`, so a write resolves only once
 * its commit is flushed to the server's WAL (and to synchronous standbys, if any are configured).
 *
 * Chain integrity: an append runs in one transaction that first locks the rows of the channels it
 * touches (`FOR NO KEY UPDATE`, in id order, so writers cannot deadlock) and then the chains'
 * head rows (`FOR UPDATE`), and only then reads the heads and checks the batch with the rules the
 * SQLite backend uses (chain-check.ts). A second writer extending the same chain waits for the
 * first to commit, then sees the moved head and gets ChainConflictError: chains never fork, not
 * even across processes or machines. The channel lock also makes a channel's cursors increase in
 * commit order (cursors come from an identity sequence, which is not transactional), so a reader
 * paging a channel by cursor never skips an entry that commits late with a smaller cursor.
 */
import pg from 'pg';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { checkChainWrite, chainKey, type StoredTip } from '../chain-check.js';
import {
  ENTRY_COLUMNS,
  toChannel,
  toCursored,
  toEntry,
  toHead,
  toPeer,
  toPrincipal,
  type ChannelRow,
  type EntryRow,
  type HeadRow,
  type NodeInfoRow,
  type PeerRow,
  type PrincipalRow,
} from '../rows.js';
import {
  AlreadyExistsError,
  ChainConflictError,
  type ApiToken,
  type AuditEvent,
  type ChainHead,
  type Channel,
  type ChannelCharter,
  type ChannelState,
  type CursoredEntry,
  type EquivocationEvidence,
  type ForkEvidence,
  type LinkTest,
  type NodeInfo,
  type Office,
  type Peer,
  type Principal,
  type Session,
  type Storage,
  type StoredEntry,
} from '../storage.js';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
import { SchemaTooNewError, migrate } from './migrations.js';

/** Options for {@link PostgresStorage.open}. */
export interface PostgresOpenOptions {
  /** The node's schema; overrides `?schema=` in the URL. */
  schema?: string;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection before failing (default 10 s). */
  connectionTimeoutMs?: number;
}

const INT8_OID = 20;
/** SQLSTATE of a unique-constraint violation. */
const UNIQUE_VIOLATION = '23505';

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} is beyond JavaScript's safe range`);
  return n;
}

/** BIGINT columns (and count(*)) come back as JS numbers, checked to be exact. */
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format),
};

function isUniqueViolation(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION;
}

const HEAD_COLUMNS = 'channel, party, size, hash, frontier, checkpoint';

/** Anything that runs queries: the pool (autocommit) or a client inside a transaction. */
interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** PostgreSQL implementation of the storage contract. */
export class PostgresStorage implements Storage {
  readonly engine = 'postgres';
  readonly warnings: readonly string[];
  readonly #pool: pg.Pool;
  readonly #schema: string;
  #closed = false;

  private constructor(pool: pg.Pool, schema: string, warnings: string[]) {
    this.#pool = pool;
    this.#schema = schema;
    this.warnings = warnings;
  }

  /**
   * Connects to the database at `url` (a postgres:// URL; a password may also come from
   * PGPASSWORD), creates the node's schema if missing and migrates it to the current version.
   */
  static async open(url: string, options: PostgresOpenOptions = {}): Promise<PostgresStorage> {
    const target = parseDatabaseUrl(url, options.schema);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      options: target.options,
      application_name: 'parley',
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      types: TYPES,
    });
    // An idle connection that breaks (server restart) is dropped by the pool; the next query
    // opens a new one. Without a listener the error would end the process.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      let warnings: string[];
      try {
        await migrate(client, target.schema);
        const settings = await client.query<{ fsync: string; synchronous_commit: string }>(
          "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit",
        );
        const row = settings.rows[0];
        warnings = [];
        if (row?.fsync !== 'on') {
          warnings.push(
            'the PostgreSQL server runs with fsync=off: committed entries can be lost in a crash',
          );
        }
        if (row?.synchronous_commit !== 'on') {
          warnings.push(`synchronous_commit is ${String(row?.synchronous_commit)}, not on`);
        }
      } finally {
        client.release();
      }
      return new PostgresStorage(pool, target.schema, warnings);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof SchemaTooNewError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const hint = /password/i.test(message)
        ? ' (set PGPASSWORD or put the password in PARLEY_DATABASE_URL)'
        : '';
      throw new Error(
        `cannot open PostgreSQL schema '${target.schema}' at ${redactDatabaseUrl(url)}: ${message}${hint}`,
        { cause: error },
      );
    }
  }

  /** Not part of the contract: the node's schema name. */
  get schema(): string {
    return this.#schema;
  }

  /** Not part of the contract: runs one statement, for tests that inspect or tamper with data. */
  async rawQuery<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    return (await this.#pool.query<R>(text, values)).rows;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #rows<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(text, values)).rows;
  }

  async #one<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<R | null> {
    return (await this.#pool.query<R>(text, values)).rows[0] ?? null;
  }

  /** Runs `work` in one transaction on one connection; rolls back on any throw. */
  async #transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      }
    } finally {
      // A connection whose rollback failed is in an unknown state: discard it.
      client.release(broken);
    }
  }

  /** Runs an insert, turning a key collision into AlreadyExistsError. */
  async #insertUnique(
    what: string,
    id: string,
    db: Queryable,
    text: string,
    values: unknown[],
  ): Promise<void> {
    try {
      await db.query(text, values);
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError(what, id);
      throw error;
    }
  }

  async getNodeInfo(): Promise<NodeInfo | null> {
    const row = await this.#one<NodeInfoRow>(
      'SELECT party, party_name, node_public_key, created_at FROM node_info WHERE id = 1',
    );
    if (!row) return null;
    return {
      party: row.party,
      partyName: row.party_name,
      nodePublicKey: row.node_public_key,
      createdAt: row.created_at,
    };
  }

  async setNodeInfo(info: NodeInfo): Promise<void> {
    await this.#pool.query(
      `INSERT INTO node_info (id, party, party_name, node_public_key, created_at) VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET party = excluded.party, party_name = excluded.party_name,
         node_public_key = excluded.node_public_key, created_at = excluded.created_at`,
      [info.party, info.partyName, info.nodePublicKey, info.createdAt],
    );
  }

  async addOffice(office: Office): Promise<void> {
    await this.#insertUnique(
      'office',
      office.id,
      this.#pool,
      'INSERT INTO offices (id, name) VALUES ($1, $2)',
      [office.id, office.name],
    );
  }

  async getOffice(id: string): Promise<Office | null> {
    return this.#one<Office>('SELECT id, name FROM offices WHERE id = $1', [id]);
  }

  async listOffices(): Promise<Office[]> {
    return this.#rows<Office>('SELECT id, name FROM offices ORDER BY id');
  }

  async addPrincipal(p: Principal): Promise<void> {
    await this.#insertUnique(
      'principal',
      p.id,
      this.#pool,
      `INSERT INTO principals
         (id, office, role, title, password_hash, public_key, private_key, created_at, disabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [p.id, p.office, p.role, p.title, p.passwordHash, p.publicKey, p.privateKey, p.createdAt, p.disabled],
    );
  }

  async getPrincipal(id: string): Promise<Principal | null> {
    const row = await this.#one<PrincipalRow>('SELECT * FROM principals WHERE id = $1', [id]);
    return row ? toPrincipal(row) : null;
  }

  async listPrincipals(): Promise<Principal[]> {
    return (await this.#rows<PrincipalRow>('SELECT * FROM principals ORDER BY id')).map(toPrincipal);
  }

  async createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void> {
    await this.#transaction(async (db) => {
      await this.#insertUnique(
        'channel',
        channel.id,
        db,
        `INSERT INTO channels (id, name, offices, languages, parties, observers, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          channel.id,
          channel.name,
          JSON.stringify(channel.offices),
          JSON.stringify(channel.languages),
          JSON.stringify(channel.parties),
          JSON.stringify(channel.observers),
          channel.state,
          channel.createdAt,
        ],
      );
      await this.#writeChains(db, entries, [head]);
    });
  }

  async getChannel(id: string): Promise<Channel | null> {
    const row = await this.#one<ChannelRow>('SELECT * FROM channels WHERE id = $1', [id]);
    return row ? toChannel(row) : null;
  }

  async listChannels(): Promise<Channel[]> {
    return (await this.#rows<ChannelRow>('SELECT * FROM channels ORDER BY id')).map(toChannel);
  }

  async appendEntries(entries: StoredEntry[], heads: ChainHead[]): Promise<void> {
    if (entries.length === 0 && heads.length === 0) return;
    await this.#transaction((db) => this.#writeChains(db, entries, heads));
  }

  /**
   * Locks, checks and writes entries plus heads inside the caller's transaction. All checks run
   * before the first write; any throw rolls the whole transaction back.
   */
  async #writeChains(db: Queryable, entries: StoredEntry[], heads: ChainHead[]): Promise<void> {
    const channels = [...new Set([...heads.map((h) => h.channel), ...entries.map((e) => e.channel)])].sort();
    const existing = await db.query<{ id: string }>(
      'SELECT id FROM channels WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE',
      [channels],
    );
    const known = new Set(existing.rows.map((r) => r.id));
    const stored = new Map<string, StoredTip>();
    if (heads.length > 0) {
      const rows = await db.query<{ channel: string; party: string; size: number; hash: string | null }>(
        `SELECT h.channel, h.party, h.size, h.hash
         FROM chain_heads AS h JOIN unnest($1::text[], $2::text[]) AS k (channel, party)
           ON h.channel = k.channel AND h.party = k.party
         ORDER BY h.channel, h.party
         FOR UPDATE OF h`,
        [heads.map((h) => h.channel), heads.map((h) => h.party)],
      );
      for (const row of rows.rows) stored.set(chainKey(row.channel, row.party), row);
    }
    checkChainWrite(entries, heads, {
      head: (channel, party) => stored.get(chainKey(channel, party)) ?? null,
      channelExists: (channel) => known.has(channel),
    });

    if (entries.length > 0) {
      try {
        // One statement for the whole batch; WITH ORDINALITY keeps the cursors in batch order.
        await db.query(
          `INSERT INTO entries
             (channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at)
           SELECT channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
             WITH ORDINALITY AS e (channel, party, seq, hash, canonical, sig, kind, author, precedence,
                                   hlc, ref, stored_at, ord)
           ORDER BY ord`,
          [
            entries.map((e) => e.channel),
            entries.map((e) => e.party),
            entries.map((e) => e.seq),
            entries.map((e) => e.hash),
            entries.map((e) => e.canonical),
            entries.map((e) => e.sig),
            entries.map((e) => e.kind),
            entries.map((e) => e.author),
            entries.map((e) => e.precedence),
            entries.map((e) => e.hlc),
            entries.map((e) => e.ref),
            entries.map((e) => e.storedAt),
          ],
        );
      } catch (error) {
        // Only reachable if heads and entries disagree (e.g. tampered data); still a conflict.
        if (isUniqueViolation(error)) {
          const first = entries[0]!;
          throw new ChainConflictError(first.channel, first.party, first.seq, 'seq already stored');
        }
        throw error;
      }
    }
    if (heads.length > 0) {
      await db.query(
        `INSERT INTO chain_heads (channel, party, size, hash, frontier, checkpoint)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
         ON CONFLICT (channel, party) DO UPDATE SET size = excluded.size, hash = excluded.hash,
           frontier = excluded.frontier, checkpoint = excluded.checkpoint`,
        [
          heads.map((h) => h.channel),
          heads.map((h) => h.party),
          heads.map((h) => h.size),
          heads.map((h) => h.hash),
          heads.map((h) => JSON.stringify(h.frontier)),
          heads.map((h) => h.checkpoint),
        ],
      );
    }
  }

  async getChainHead(channel: string, party: string): Promise<ChainHead | null> {
    const row = await this.#one<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM chain_heads WHERE channel = $1 AND party = $2`,
      [channel, party],
    );
    return row ? toHead(row) : null;
  }

  async listChainHeads(channel: string): Promise<ChainHead[]> {
    const rows = await this.#rows<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM chain_heads WHERE channel = $1 ORDER BY party`,
      [channel],
    );
    return rows.map(toHead);
  }

  async getEntry(channel: string, party: string, seq: number): Promise<StoredEntry | null> {
    const row = await this.#one<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = $1 AND party = $2 AND seq = $3`,
      [channel, party, seq],
    );
    return row ? toEntry(row) : null;
  }

  async readChain(channel: string, party: string, fromSeq: number, limit: number): Promise<StoredEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#rows<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = $1 AND party = $2 AND seq >= $3
       ORDER BY seq LIMIT $4`,
      [channel, party, fromSeq, limit],
    );
    return rows.map(toEntry);
  }

  async readChannel(channel: string, afterCursor: number, limit: number): Promise<CursoredEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#rows<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
      [channel, afterCursor, limit],
    );
    return rows.map(toCursored);
  }

  async listAwaitingReceipt(
    principal: string,
    channels: string[],
    kinds: string[],
    limit: number,
  ): Promise<CursoredEntry[]> {
    if (channels.length === 0 || kinds.length === 0 || limit <= 0) return [];
    // The literal kind = 'receipt' lets the planner use the partial receipts index.
    const rows = await this.#rows<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries AS e
       WHERE e.channel = ANY($1::text[])
         AND e.kind = ANY($2::text[])
         AND e.author <> $3
         AND NOT EXISTS (
           SELECT 1 FROM entries AS r
           WHERE r.kind = 'receipt' AND r.channel = e.channel AND r.author = $3
             AND r.ref = e.party || '/' || e.seq)
       ORDER BY e.cursor LIMIT $4`,
      [channels, kinds, principal, limit],
    );
    return rows.map(toCursored);
  }

  async countEntries(): Promise<number> {
    return (await this.#one<{ n: number }>('SELECT count(*) AS n FROM entries'))?.n ?? 0;
  }

  async listByKind(channel: string, kind: string, limit: number): Promise<StoredEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#rows<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = $1 AND kind = $2 ORDER BY cursor LIMIT $3`,
      [channel, kind, limit],
    );
    return rows.map(toEntry);
  }

  async listByRef(channel: string, kind: string, ref: string): Promise<StoredEntry[]> {
    const rows = await this.#rows<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = $1 AND kind = $2 AND ref = $3 ORDER BY cursor`,
      [channel, kind, ref],
    );
    return rows.map(toEntry);
  }

  async latestByRefParty(
    channel: string,
    party: string,
    kind: string,
    refParty: string,
  ): Promise<StoredEntry | null> {
    const row = await this.#one<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries
       WHERE channel = $1 AND party = $2 AND kind = $3 AND ref LIKE $4 ESCAPE '\\'
       ORDER BY cursor DESC LIMIT 1`,
      [channel, party, kind, `${refParty.replace(/[\\%_]/g, '\\$&')}/%`],
    );
    return row ? toEntry(row) : null;
  }

  async setChannelState(id: string, state: ChannelState): Promise<void> {
    await this.#pool.query('UPDATE channels SET state = $1 WHERE id = $2', [state, id]);
  }

  async setChannelCharter(id: string, charter: ChannelCharter): Promise<void> {
    await this.#pool.query(
      'UPDATE channels SET languages = $1, observers = $2, parties = $3, offices = $4 WHERE id = $5',
      [
        JSON.stringify(charter.languages),
        JSON.stringify(charter.observers),
        JSON.stringify(charter.parties),
        JSON.stringify(Object.values(charter.parties).flat()),
        id,
      ],
    );
  }

  async putPeer(peer: Peer): Promise<void> {
    await this.#pool.query(
      `INSERT INTO peers (party, name, url, node_public_key, tls_ca, added_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (party) DO UPDATE SET name = excluded.name, url = excluded.url,
         node_public_key = excluded.node_public_key, tls_ca = excluded.tls_ca, added_at = excluded.added_at`,
      [peer.party, peer.name, peer.url, peer.nodePublicKey, peer.tlsCa ?? null, peer.addedAt],
    );
  }

  async getPeer(party: string): Promise<Peer | null> {
    const row = await this.#one<PeerRow>('SELECT * FROM peers WHERE party = $1', [party]);
    return row ? toPeer(row) : null;
  }

  async listPeers(): Promise<Peer[]> {
    return (await this.#rows<PeerRow>('SELECT * FROM peers ORDER BY party')).map(toPeer);
  }

  async getReplication(peer: string): Promise<Map<string, number>> {
    const rows = await this.#rows<{ channel: string; acked_size: number }>(
      'SELECT channel, acked_size FROM replication WHERE peer = $1',
      [peer],
    );
    return new Map(rows.map((r) => [r.channel, r.acked_size]));
  }

  async setReplication(peer: string, channel: string, ackedSize: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO replication (peer, channel, acked_size) VALUES ($1, $2, $3)
       ON CONFLICT (peer, channel) DO UPDATE
         SET acked_size = GREATEST(replication.acked_size, excluded.acked_size)`,
      [peer, channel, ackedSize],
    );
  }

  async recordFork(f: ForkEvidence): Promise<void> {
    await this.#pool.query(
      `INSERT INTO forks (channel, party, seq, stored_hash, conflicting_canonical, conflicting_sig, reported_by, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [f.channel, f.party, f.seq, f.storedHash, f.conflictingCanonical, f.conflictingSig, f.reportedBy, f.at],
    );
  }

  async recordWitnessed(
    channel: string,
    party: string,
    size: number,
    root: string,
    at: number,
  ): Promise<string | null> {
    // Rows are never deleted, so insert-or-read is race-free without an explicit lock.
    const inserted = await this.#pool.query(
      `INSERT INTO witnessed (channel, party, size, root, at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (channel, party, size) DO NOTHING`,
      [channel, party, size, root, at],
    );
    if (inserted.rowCount === 1) return null;
    const existing = await this.#one<{ root: string }>(
      'SELECT root FROM witnessed WHERE channel = $1 AND party = $2 AND size = $3',
      [channel, party, size],
    );
    return existing && existing.root !== root ? existing.root : null;
  }

  async putCosignature(
    channel: string,
    party: string,
    size: number,
    witness: string,
    note: string,
    at: number,
  ): Promise<void> {
    await this.#pool.query(
      `INSERT INTO cosignatures (channel, party, size, witness, note, at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel, party, witness, size) DO NOTHING`,
      [channel, party, size, witness, note, at],
    );
  }

  async latestCosignatures(
    channel: string,
    party: string,
  ): Promise<Array<{ witness: string; size: number; note: string }>> {
    return this.#rows<{ witness: string; size: number; note: string }>(
      `SELECT DISTINCT ON (witness) witness, size, note FROM cosignatures
       WHERE channel = $1 AND party = $2
       ORDER BY witness, size DESC`,
      [channel, party],
    );
  }

  async recordEquivocation(e: EquivocationEvidence): Promise<void> {
    await this.#pool.query(
      `INSERT INTO equivocations (channel, party, note_a, note_b, detail, reported_by, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.channel, e.party, e.noteA, e.noteB, e.detail, e.reportedBy, e.at],
    );
  }

  async listEquivocations(): Promise<EquivocationEvidence[]> {
    const rows = await this.#rows<{
      channel: string;
      party: string;
      note_a: string;
      note_b: string;
      detail: string;
      reported_by: string;
      at: number;
    }>('SELECT channel, party, note_a, note_b, detail, reported_by, at FROM equivocations ORDER BY id');
    return rows.map((r) => ({
      channel: r.channel,
      party: r.party,
      noteA: r.note_a,
      noteB: r.note_b,
      detail: r.detail,
      reportedBy: r.reported_by,
      at: r.at,
    }));
  }

  async recordLinkTest(t: LinkTest): Promise<void> {
    await this.#pool.query(
      'INSERT INTO link_tests (peer, at, ok, rtt_ms, error) VALUES ($1, $2, $3, $4, $5)',
      [t.peer, t.at, t.ok, t.rttMs, t.error],
    );
  }

  async listLinkTests(peer: string, limit: number): Promise<LinkTest[]> {
    if (limit <= 0) return [];
    const rows = await this.#rows<{
      peer: string;
      at: number;
      ok: boolean;
      rtt_ms: number | null;
      error: string | null;
    }>(
      'SELECT peer, at, ok, rtt_ms, error FROM link_tests WHERE peer = $1 ORDER BY at DESC, id DESC LIMIT $2',
      [peer, limit],
    );
    return rows.map((r) => ({ peer: r.peer, at: r.at, ok: r.ok, rttMs: r.rtt_ms, error: r.error }));
  }

  async listForks(): Promise<ForkEvidence[]> {
    const rows = await this.#rows<{
      channel: string;
      party: string;
      seq: number;
      stored_hash: string;
      conflicting_canonical: string;
      conflicting_sig: string;
      reported_by: string;
      at: number;
    }>(
      `SELECT channel, party, seq, stored_hash, conflicting_canonical, conflicting_sig, reported_by, at
       FROM forks ORDER BY id`,
    );
    return rows.map((r) => ({
      channel: r.channel,
      party: r.party,
      seq: r.seq,
      storedHash: r.stored_hash,
      conflictingCanonical: r.conflicting_canonical,
      conflictingSig: r.conflicting_sig,
      reportedBy: r.reported_by,
      at: r.at,
    }));
  }

  async createSession(s: Session): Promise<void> {
    await this.#insertUnique(
      'session',
      s.tokenHash,
      this.#pool,
      'INSERT INTO sessions (token_hash, principal, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [s.tokenHash, s.principal, s.csrfToken, s.createdAt, s.expiresAt],
    );
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    const row = await this.#one<{
      token_hash: string;
      principal: string;
      csrf_token: string;
      created_at: number;
      expires_at: number;
    }>(
      'SELECT token_hash, principal, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1',
      [tokenHash],
    );
    if (!row) return null;
    return {
      tokenHash: row.token_hash,
      principal: row.principal,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async createApiToken(t: ApiToken): Promise<void> {
    await this.#insertUnique(
      'API token',
      t.tokenHash,
      this.#pool,
      'INSERT INTO api_tokens (token_hash, principal, label, created_at) VALUES ($1, $2, $3, $4)',
      [t.tokenHash, t.principal, t.label, t.createdAt],
    );
  }

  async getApiToken(tokenHash: string): Promise<ApiToken | null> {
    const row = await this.#one<{ token_hash: string; principal: string; label: string; created_at: number }>(
      'SELECT token_hash, principal, label, created_at FROM api_tokens WHERE token_hash = $1',
      [tokenHash],
    );
    if (!row) return null;
    return {
      tokenHash: row.token_hash,
      principal: row.principal,
      label: row.label,
      createdAt: row.created_at,
    };
  }

  async recordAudit(event: AuditEvent): Promise<void> {
    await this.#pool.query(
      'INSERT INTO audit_events (at, type, principal, ip, detail) VALUES ($1, $2, $3, $4, $5)',
      [event.at, event.type, event.principal, event.ip, event.detail],
    );
  }

  /** Newest first. */
  async listAudit(limit: number): Promise<AuditEvent[]> {
    if (limit <= 0) return [];
    return this.#rows<AuditEvent>(
      'SELECT at, type, principal, ip, detail FROM audit_events ORDER BY id DESC LIMIT $1',
      [limit],
    );
  }
}
