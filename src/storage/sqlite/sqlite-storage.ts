/**
 * The SQLite storage backend (better-sqlite3).
 *
 * better-sqlite3 is synchronous; the async methods of the Storage contract simply wrap it, which
 * is the fastest option for a single-file embedded database. Durability: WAL with
 * `synchronous=FULL`, so every committed transaction is fsync'd before the method resolves.
 * Chain integrity is enforced inside one IMMEDIATE transaction per append: the write lock is
 * taken before the stored heads are read, so two writers (even in different processes) cannot
 * both extend a chain from the same head.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  AlreadyExistsError,
  ChainConflictError,
  type ApiToken,
  type AuditEvent,
  type ChainHead,
  type Channel,
  type ChannelCharter,
  type EquivocationEvidence,
  type ForkEvidence,
  type LinkTest,
  type Peer,
  type ChannelState,
  type CursoredEntry,
  type NodeInfo,
  type Office,
  type Principal,
  type Session,
  type Storage,
  type StoredEntry,
} from '../storage.js';
import { checkChainWrite } from '../chain-check.js';
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
import { assertSchemaCurrent, migrate } from './migrations.js';

/** Options for {@link SqliteStorage.open}. */
export interface SqliteOpenOptions {
  /** Open without writing anything (no migrations, no mode changes); the file must exist. */
  readonly?: boolean;
}

/** How long a connection waits for another connection's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;
const FILE_MODE = 0o600;

interface ForkRow {
  channel: string;
  party: string;
  seq: number;
  stored_hash: string;
  conflicting_canonical: string;
  conflicting_sig: string;
  reported_by: string;
  at: number;
}

interface SessionRow {
  token_hash: string;
  principal: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

interface ApiTokenRow {
  token_hash: string;
  principal: string;
  label: string;
  created_at: number;
}

interface AuditRow {
  at: number;
  type: string;
  principal: string | null;
  ip: string | null;
  detail: string;
}

type EntryParams = [
  channel: string,
  party: string,
  seq: number,
  hash: string,
  canonical: string,
  sig: string,
  kind: string,
  author: string,
  precedence: string,
  hlc: string,
  ref: string | null,
  storedAt: number,
];

interface AwaitingParams {
  channels: string;
  kinds: string;
  principal: string;
  limit: number;
}

/** Prepares every statement once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    getNodeInfo: db.prepare<[], NodeInfoRow>(
      'SELECT party, party_name, node_public_key, created_at FROM node_info WHERE id = 1',
    ),
    setNodeInfo: db.prepare<[string, string, string, number]>(
      `INSERT INTO node_info (id, party, party_name, node_public_key, created_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET party = excluded.party, party_name = excluded.party_name,
         node_public_key = excluded.node_public_key, created_at = excluded.created_at`,
    ),
    addOffice: db.prepare<[string, string]>('INSERT INTO offices (id, name) VALUES (?, ?)'),
    getOffice: db.prepare<[string], Office>('SELECT id, name FROM offices WHERE id = ?'),
    listOffices: db.prepare<[], Office>('SELECT id, name FROM offices ORDER BY id'),
    addPrincipal: db.prepare<[string, string | null, string, string, string, string, string, number, number]>(
      `INSERT INTO principals
         (id, office, role, title, password_hash, public_key, private_key, created_at, disabled)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getPrincipal: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE id = ?'),
    listPrincipals: db.prepare<[], PrincipalRow>('SELECT * FROM principals ORDER BY id'),
    addChannel: db.prepare<[string, string, string, string, string, string, string, number]>(
      'INSERT INTO channels (id, name, offices, languages, parties, observers, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getChannel: db.prepare<[string], ChannelRow>('SELECT * FROM channels WHERE id = ?'),
    listChannels: db.prepare<[], ChannelRow>('SELECT * FROM channels ORDER BY id'),
    channelExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM channels WHERE id = ?'),
    insertEntry: db.prepare<EntryParams>(
      `INSERT INTO entries
         (channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getHead: db.prepare<[string, string], HeadRow>(
      'SELECT * FROM chain_heads WHERE channel = ? AND party = ?',
    ),
    listHeads: db.prepare<[string], HeadRow>('SELECT * FROM chain_heads WHERE channel = ? ORDER BY party'),
    upsertHead: db.prepare<[string, string, number, string | null, string, string]>(
      `INSERT INTO chain_heads (channel, party, size, hash, frontier, checkpoint) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel, party) DO UPDATE SET size = excluded.size, hash = excluded.hash,
         frontier = excluded.frontier, checkpoint = excluded.checkpoint`,
    ),
    getEntry: db.prepare<[string, string, number], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND party = ? AND seq = ?`,
    ),
    readChain: db.prepare<[string, string, number, number], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND party = ? AND seq >= ?
       ORDER BY seq LIMIT ?`,
    ),
    readChannel: db.prepare<[string, number, number], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND cursor > ? ORDER BY cursor LIMIT ?`,
    ),
    // Lists are bound as JSON arrays so one prepared statement serves any number of values.
    // The literal kind = 'receipt' lets SQLite use the partial receipts index. INDEXED BY pins
    // the plan: with ANALYZE statistics SQLite prefers a full scan in cursor order, which took
    // ~0.5 s at 1M entries for a rare kind; per (channel, kind) index ranges with a top-N sort
    // stay in milliseconds.
    listAwaiting: db.prepare<AwaitingParams, EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries AS e INDEXED BY entries_channel_kind
       WHERE e.channel IN (SELECT value FROM json_each(@channels))
         AND e.kind IN (SELECT value FROM json_each(@kinds))
         AND e.author <> @principal
         AND NOT EXISTS (
           SELECT 1 FROM entries AS r
           WHERE r.kind = 'receipt' AND r.channel = e.channel AND r.author = @principal
             AND r.ref = e.party || '/' || e.seq)
       ORDER BY e.cursor LIMIT @limit`,
    ),
    countEntries: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM entries'),
    createSession: db.prepare<[string, string, string, number, number]>(
      'INSERT INTO sessions (token_hash, principal, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    getSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?'),
    deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?'),
    createApiToken: db.prepare<[string, string, string, number]>(
      'INSERT INTO api_tokens (token_hash, principal, label, created_at) VALUES (?, ?, ?, ?)',
    ),
    getApiToken: db.prepare<[string], ApiTokenRow>('SELECT * FROM api_tokens WHERE token_hash = ?'),
    recordAudit: db.prepare<[number, string, string | null, string | null, string]>(
      'INSERT INTO audit_events (at, type, principal, ip, detail) VALUES (?, ?, ?, ?, ?)',
    ),
    listAudit: db.prepare<[number], AuditRow>(
      'SELECT at, type, principal, ip, detail FROM audit_events ORDER BY id DESC LIMIT ?',
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** Tightens a file to owner-only access if it is wider. */
function restrictMode(path: string): void {
  if (!existsSync(path)) return;
  if ((statSync(path).mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Runs an insert, turning a key collision into AlreadyExistsError. */
function insertUnique(what: string, id: string, insert: () => void): void {
  try {
    insert();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyExistsError(what, id);
    throw error;
  }
}

/** SQLite implementation of the storage contract. */
export class SqliteStorage implements Storage {
  readonly engine = 'sqlite';
  readonly #db: Database.Database;
  readonly #stmts: Statements;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#stmts = prepareStatements(db);
  }

  /**
   * Opens (creating if needed) the database at `path` with mode 0600, WAL and `synchronous=FULL`,
   * and migrates it to the current schema. `:memory:` opens a private in-memory database.
   */
  static open(path: string, options: SqliteOpenOptions = {}): SqliteStorage {
    const readonly = options.readonly ?? false;
    const onDisk = path !== ':memory:';
    if (onDisk && !readonly) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Create the file ourselves so it never exists, even briefly, with umask-derived mode.
      closeSync(openSync(path, 'a', FILE_MODE));
      restrictMode(path);
    }
    const db = new Database(path, { readonly, fileMustExist: readonly });
    try {
      // Set first so that the WAL switch and migrations wait for other writers.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (onDisk && !readonly) {
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new Error(`could not enable WAL on ${path} (journal_mode=${String(mode)})`);
      }
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      if (readonly) assertSchemaCurrent(db);
      else migrate(db);
      if (onDisk && !readonly) {
        restrictMode(`${path}-wal`);
        restrictMode(`${path}-shm`);
      }
      return new SqliteStorage(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Not part of the contract: the underlying connection, for tests that tamper with data. */
  rawDatabase(): Database.Database {
    return this.#db;
  }

  /** Not part of the contract: folds the WAL back into the main file and truncates it. */
  checkpointWal(): void {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  async getNodeInfo(): Promise<NodeInfo | null> {
    const row = this.#stmts.getNodeInfo.get();
    if (!row) return null;
    return {
      party: row.party,
      partyName: row.party_name,
      nodePublicKey: row.node_public_key,
      createdAt: row.created_at,
    };
  }

  async setNodeInfo(info: NodeInfo): Promise<void> {
    this.#stmts.setNodeInfo.run(info.party, info.partyName, info.nodePublicKey, info.createdAt);
  }

  async addOffice(office: Office): Promise<void> {
    insertUnique('office', office.id, () => this.#stmts.addOffice.run(office.id, office.name));
  }

  async getOffice(id: string): Promise<Office | null> {
    return this.#stmts.getOffice.get(id) ?? null;
  }

  async listOffices(): Promise<Office[]> {
    return this.#stmts.listOffices.all();
  }

  async addPrincipal(p: Principal): Promise<void> {
    insertUnique('principal', p.id, () =>
      this.#stmts.addPrincipal.run(
        p.id,
        p.office,
        p.role,
        p.title,
        p.passwordHash,
        p.publicKey,
        p.privateKey,
        p.createdAt,
        p.disabled ? 1 : 0,
      ),
    );
  }

  async getPrincipal(id: string): Promise<Principal | null> {
    const row = this.#stmts.getPrincipal.get(id);
    return row ? toPrincipal(row) : null;
  }

  async listPrincipals(): Promise<Principal[]> {
    return this.#stmts.listPrincipals.all().map(toPrincipal);
  }

  async createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void> {
    const create = this.#db.transaction(() => {
      insertUnique('channel', channel.id, () =>
        this.#stmts.addChannel.run(
          channel.id,
          channel.name,
          JSON.stringify(channel.offices),
          JSON.stringify(channel.languages),
          JSON.stringify(channel.parties),
          JSON.stringify(channel.observers),
          channel.state,
          channel.createdAt,
        ),
      );
      this.#writeChains(entries, [head]);
    });
    create.immediate();
  }

  async getChannel(id: string): Promise<Channel | null> {
    const row = this.#stmts.getChannel.get(id);
    return row ? toChannel(row) : null;
  }

  async listChannels(): Promise<Channel[]> {
    return this.#stmts.listChannels.all().map(toChannel);
  }

  async appendEntries(entries: StoredEntry[], heads: ChainHead[]): Promise<void> {
    if (entries.length === 0 && heads.length === 0) return;
    this.#db.transaction(() => this.#writeChains(entries, heads)).immediate();
  }

  /**
   * Checks (see chain-check.ts) and writes entries plus heads; must run inside a write
   * transaction. All checks run before the first write, and any throw rolls the transaction back,
   * so nothing is half-written.
   */
  #writeChains(entries: StoredEntry[], heads: ChainHead[]): void {
    checkChainWrite(entries, heads, {
      head: (channel, party) => this.#stmts.getHead.get(channel, party) ?? null,
      channelExists: (channel) => this.#stmts.channelExists.get(channel) !== undefined,
    });

    const insert = this.#stmts.insertEntry;
    try {
      for (const e of entries) {
        insert.run(
          e.channel,
          e.party,
          e.seq,
          e.hash,
          e.canonical,
          e.sig,
          e.kind,
          e.author,
          e.precedence,
          e.hlc,
          e.ref,
          e.storedAt,
        );
      }
    } catch (error) {
      // Only reachable if heads and entries disagree (e.g. tampered data); still a conflict.
      if (isUniqueViolation(error)) {
        const first = entries[0]!;
        throw new ChainConflictError(first.channel, first.party, first.seq, 'seq already stored');
      }
      throw error;
    }
    for (const h of heads) {
      this.#stmts.upsertHead.run(
        h.channel,
        h.party,
        h.size,
        h.hash,
        JSON.stringify(h.frontier),
        h.checkpoint,
      );
    }
  }

  async getChainHead(channel: string, party: string): Promise<ChainHead | null> {
    const row = this.#stmts.getHead.get(channel, party);
    return row ? toHead(row) : null;
  }

  async listChainHeads(channel: string): Promise<ChainHead[]> {
    return this.#stmts.listHeads.all(channel).map(toHead);
  }

  async getEntry(channel: string, party: string, seq: number): Promise<StoredEntry | null> {
    const row = this.#stmts.getEntry.get(channel, party, seq);
    return row ? toEntry(row) : null;
  }

  async readChain(channel: string, party: string, fromSeq: number, limit: number): Promise<StoredEntry[]> {
    if (limit <= 0) return [];
    return this.#stmts.readChain.all(channel, party, fromSeq, limit).map(toEntry);
  }

  async readChannel(channel: string, afterCursor: number, limit: number): Promise<CursoredEntry[]> {
    if (limit <= 0) return [];
    return this.#stmts.readChannel.all(channel, afterCursor, limit).map(toCursored);
  }

  async listAwaitingReceipt(
    principal: string,
    channels: string[],
    kinds: string[],
    limit: number,
  ): Promise<CursoredEntry[]> {
    if (channels.length === 0 || kinds.length === 0 || limit <= 0) return [];
    return this.#stmts.listAwaiting
      .all({ channels: JSON.stringify(channels), kinds: JSON.stringify(kinds), principal, limit })
      .map(toCursored);
  }

  async countEntries(): Promise<number> {
    return this.#stmts.countEntries.get()?.n ?? 0;
  }

  async listByKind(channel: string, kind: string, limit: number): Promise<StoredEntry[]> {
    return this.#db
      .prepare<[string, string, number], EntryRow>(
        'SELECT * FROM entries WHERE channel = ? AND kind = ? ORDER BY cursor LIMIT ?',
      )
      .all(channel, kind, limit)
      .map(toEntry);
  }

  async listByRef(channel: string, kind: string, ref: string): Promise<StoredEntry[]> {
    return this.#db
      .prepare<[string, string, string], EntryRow>(
        'SELECT * FROM entries WHERE channel = ? AND kind = ? AND ref = ? ORDER BY cursor',
      )
      .all(channel, kind, ref)
      .map(toEntry);
  }

  async latestByRefParty(
    channel: string,
    party: string,
    kind: string,
    refParty: string,
  ): Promise<StoredEntry | null> {
    const row = this.#db
      .prepare<[string, string, string, string], EntryRow>(
        `SELECT * FROM entries INDEXED BY entries_channel_kind
         WHERE channel = ? AND party = ? AND kind = ? AND ref LIKE ? ESCAPE '\\'
         ORDER BY cursor DESC LIMIT 1`,
      )
      .get(channel, party, kind, `${refParty.replace(/[\\%_]/g, '\\$&')}/%`);
    return row ? toEntry(row) : null;
  }

  async setChannelState(id: string, state: ChannelState): Promise<void> {
    this.#db.prepare('UPDATE channels SET state = ? WHERE id = ?').run(state, id);
  }

  async setChannelCharter(id: string, charter: ChannelCharter): Promise<void> {
    this.#db
      .prepare('UPDATE channels SET languages = ?, observers = ?, parties = ?, offices = ? WHERE id = ?')
      .run(
        JSON.stringify(charter.languages),
        JSON.stringify(charter.observers),
        JSON.stringify(charter.parties),
        JSON.stringify(Object.values(charter.parties).flat()),
        id,
      );
  }

  async putPeer(peer: Peer): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO peers (party, name, url, node_public_key, tls_ca, added_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (party) DO UPDATE SET name = excluded.name, url = excluded.url,
           node_public_key = excluded.node_public_key, tls_ca = excluded.tls_ca, added_at = excluded.added_at`,
      )
      .run(peer.party, peer.name, peer.url, peer.nodePublicKey, peer.tlsCa ?? null, peer.addedAt);
  }

  async getPeer(party: string): Promise<Peer | null> {
    const row = this.#db.prepare<[string], PeerRow>('SELECT * FROM peers WHERE party = ?').get(party);
    return row ? toPeer(row) : null;
  }

  async listPeers(): Promise<Peer[]> {
    return this.#db.prepare<[], PeerRow>('SELECT * FROM peers ORDER BY party').all().map(toPeer);
  }

  async getReplication(peer: string): Promise<Map<string, number>> {
    const rows = this.#db
      .prepare<[string], { channel: string; acked_size: number }>(
        'SELECT channel, acked_size FROM replication WHERE peer = ?',
      )
      .all(peer);
    return new Map(rows.map((r) => [r.channel, r.acked_size]));
  }

  async setReplication(peer: string, channel: string, ackedSize: number): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO replication (peer, channel, acked_size) VALUES (?, ?, ?)
         ON CONFLICT (peer, channel) DO UPDATE SET acked_size = max(acked_size, excluded.acked_size)`,
      )
      .run(peer, channel, ackedSize);
  }

  async recordFork(f: ForkEvidence): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO forks (channel, party, seq, stored_hash, conflicting_canonical, conflicting_sig, reported_by, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        f.channel,
        f.party,
        f.seq,
        f.storedHash,
        f.conflictingCanonical,
        f.conflictingSig,
        f.reportedBy,
        f.at,
      );
  }

  async recordWitnessed(
    channel: string,
    party: string,
    size: number,
    root: string,
    at: number,
  ): Promise<string | null> {
    return this.#db
      .transaction(() => {
        const existing = this.#db
          .prepare<[string, string, number], { root: string }>(
            'SELECT root FROM witnessed WHERE channel = ? AND party = ? AND size = ?',
          )
          .get(channel, party, size);
        if (existing) return existing.root === root ? null : existing.root;
        this.#db
          .prepare('INSERT INTO witnessed (channel, party, size, root, at) VALUES (?, ?, ?, ?, ?)')
          .run(channel, party, size, root, at);
        return null;
      })
      .immediate();
  }

  async putCosignature(
    channel: string,
    party: string,
    size: number,
    witness: string,
    note: string,
    at: number,
  ): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO cosignatures (channel, party, size, witness, note, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, party, witness, size) DO NOTHING`,
      )
      .run(channel, party, size, witness, note, at);
  }

  async latestCosignatures(
    channel: string,
    party: string,
  ): Promise<Array<{ witness: string; size: number; note: string }>> {
    return this.#db
      .prepare<[string, string], { witness: string; size: number; note: string }>(
        `SELECT witness, size, note FROM cosignatures c WHERE channel = ? AND party = ?
           AND size = (SELECT max(size) FROM cosignatures d WHERE d.channel = c.channel AND d.party = c.party AND d.witness = c.witness)
         ORDER BY witness`,
      )
      .all(channel, party);
  }

  async recordEquivocation(e: EquivocationEvidence): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO equivocations (channel, party, note_a, note_b, detail, reported_by, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(e.channel, e.party, e.noteA, e.noteB, e.detail, e.reportedBy, e.at);
  }

  async listEquivocations(): Promise<EquivocationEvidence[]> {
    return this.#db
      .prepare<
        [],
        {
          channel: string;
          party: string;
          note_a: string;
          note_b: string;
          detail: string;
          reported_by: string;
          at: number;
        }
      >('SELECT * FROM equivocations ORDER BY id')
      .all()
      .map((r) => ({
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
    this.#db
      .prepare('INSERT INTO link_tests (peer, at, ok, rtt_ms, error) VALUES (?, ?, ?, ?, ?)')
      .run(t.peer, t.at, t.ok ? 1 : 0, t.rttMs, t.error);
  }

  async listLinkTests(peer: string, limit: number): Promise<LinkTest[]> {
    return this.#db
      .prepare<
        [string, number],
        { peer: string; at: number; ok: number; rtt_ms: number | null; error: string | null }
      >('SELECT peer, at, ok, rtt_ms, error FROM link_tests WHERE peer = ? ORDER BY at DESC LIMIT ?')
      .all(peer, limit)
      .map((r) => ({ peer: r.peer, at: r.at, ok: r.ok === 1, rttMs: r.rtt_ms, error: r.error }));
  }

  async listForks(): Promise<ForkEvidence[]> {
    return this.#db
      .prepare<[], ForkRow>('SELECT * FROM forks ORDER BY id')
      .all()
      .map((r) => ({
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
    insertUnique('session', s.tokenHash, () =>
      this.#stmts.createSession.run(s.tokenHash, s.principal, s.csrfToken, s.createdAt, s.expiresAt),
    );
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    const row = this.#stmts.getSession.get(tokenHash);
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
    this.#stmts.deleteSession.run(tokenHash);
  }

  async createApiToken(t: ApiToken): Promise<void> {
    insertUnique('API token', t.tokenHash, () =>
      this.#stmts.createApiToken.run(t.tokenHash, t.principal, t.label, t.createdAt),
    );
  }

  async getApiToken(tokenHash: string): Promise<ApiToken | null> {
    const row = this.#stmts.getApiToken.get(tokenHash);
    if (!row) return null;
    return {
      tokenHash: row.token_hash,
      principal: row.principal,
      label: row.label,
      createdAt: row.created_at,
    };
  }

  async recordAudit(event: AuditEvent): Promise<void> {
    this.#stmts.recordAudit.run(event.at, event.type, event.principal, event.ip, event.detail);
  }

  /** Newest first. */
  async listAudit(limit: number): Promise<AuditEvent[]> {
    if (limit <= 0) return [];
    return this.#stmts.listAudit.all(limit);
  }
}
