/**
 * The SQL both backends share, with `?` placeholders (the PostgreSQL backend numbers them):
 * statements they also run inside their own transactions, and the dialect hooks.
 */
import {
  CHANNEL_COLUMNS,
  ENTRY_COLUMNS,
  EQUIVOCATION_COLUMNS,
  FORK_COLUMNS,
  HEAD_COLUMNS,
  PEER_COLUMNS,
  PRINCIPAL_COLUMNS,
} from '../rows.js';

/** Statements both backends also use inside their own transactions. */
export const SQL = {
  insertChannel: `INSERT INTO channels (${CHANNEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  insertEntry: `INSERT INTO entries
      (channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertHead: `INSERT INTO chain_heads (${HEAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (channel, party) DO UPDATE SET size = excluded.size, hash = excluded.hash,
      frontier = excluded.frontier, checkpoint = excluded.checkpoint`,
  getHead: `SELECT ${HEAD_COLUMNS} FROM chain_heads WHERE channel = ? AND party = ?`,
  setChannelState: 'UPDATE channels SET state = ? WHERE id = ?',
  setChannelCharter:
    'UPDATE channels SET languages = ?, observers = ?, parties = ?, offices = ? WHERE id = ?',
} as const;

/** The queries of the shared methods in sql-storage.ts, by method. */
export const Q = {
  getNodeInfo: 'SELECT party, party_name, node_public_key, created_at FROM node_info WHERE id = 1',
  setNodeInfo: `INSERT INTO node_info (id, party, party_name, node_public_key, created_at) VALUES (1, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET party = excluded.party, party_name = excluded.party_name,
      node_public_key = excluded.node_public_key, created_at = excluded.created_at`,
  addOffice: 'INSERT INTO offices (id, name) VALUES (?, ?)',
  getOffice: 'SELECT id, name FROM offices WHERE id = ?',
  listOffices: 'SELECT id, name FROM offices ORDER BY id',
  addPrincipal: `INSERT INTO principals (${PRINCIPAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  getPrincipal: `SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE id = ?`,
  listPrincipals: `SELECT ${PRINCIPAL_COLUMNS} FROM principals ORDER BY id`,
  getChannel: `SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id = ?`,
  listChannels: `SELECT ${CHANNEL_COLUMNS} FROM channels ORDER BY id`,
  listHeads: `SELECT ${HEAD_COLUMNS} FROM chain_heads WHERE channel = ? ORDER BY party`,
  getEntry: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND party = ? AND seq = ?`,
  readChain: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND party = ? AND seq >= ?
    ORDER BY seq LIMIT ?`,
  readChannel: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND cursor > ? ORDER BY cursor LIMIT ?`,
  changes: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE cursor > ? ORDER BY cursor LIMIT ?`,
  latestCursor: 'SELECT coalesce(max(cursor), 0) AS n FROM entries',
  countEntries: 'SELECT count(*) AS n FROM entries',
  listByKind: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND kind = ? ORDER BY cursor LIMIT ?`,
  listByRef: `SELECT ${ENTRY_COLUMNS} FROM entries WHERE channel = ? AND kind = ? AND ref = ? ORDER BY cursor`,
  putPeer: `INSERT INTO peers (${PEER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (party) DO UPDATE SET name = excluded.name, url = excluded.url,
      node_public_key = excluded.node_public_key, tls_ca = excluded.tls_ca, added_at = excluded.added_at`,
  getPeer: `SELECT ${PEER_COLUMNS} FROM peers WHERE party = ?`,
  listPeers: `SELECT ${PEER_COLUMNS} FROM peers ORDER BY party`,
  getReplication: 'SELECT channel, acked_size FROM replication WHERE peer = ?',
  // CASE rather than max()/GREATEST(), which the two dialects spell differently.
  setReplication: `INSERT INTO replication (peer, channel, acked_size) VALUES (?, ?, ?)
    ON CONFLICT (peer, channel) DO UPDATE SET acked_size = CASE
      WHEN excluded.acked_size > replication.acked_size THEN excluded.acked_size
      ELSE replication.acked_size END`,
  recordFork: `INSERT INTO forks (${FORK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  listForks: `SELECT ${FORK_COLUMNS} FROM forks ORDER BY id`,
  insertWitnessed: `INSERT INTO witnessed (channel, party, size, root, at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (channel, party, size) DO NOTHING`,
  getWitnessed: 'SELECT root FROM witnessed WHERE channel = ? AND party = ? AND size = ?',
  putCosignature: `INSERT INTO cosignatures (channel, party, size, witness, note, at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (channel, party, witness, size) DO NOTHING`,
  latestCosignatures: `SELECT witness, size, note FROM cosignatures c WHERE channel = ? AND party = ?
      AND size = (SELECT max(size) FROM cosignatures d
                  WHERE d.channel = c.channel AND d.party = c.party AND d.witness = c.witness)
    ORDER BY witness`,
  recordEquivocation: `INSERT INTO equivocations (${EQUIVOCATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  listEquivocations: `SELECT ${EQUIVOCATION_COLUMNS} FROM equivocations ORDER BY id`,
  recordLinkTest: 'INSERT INTO link_tests (peer, at, ok, rtt_ms, error) VALUES (?, ?, ?, ?, ?)',
  listLinkTests:
    'SELECT peer, at, ok, rtt_ms, error FROM link_tests WHERE peer = ? ORDER BY at DESC, id DESC LIMIT ?',
  setPrincipalDisabled: 'UPDATE principals SET disabled = ? WHERE id = ?',
  setPasswordHash: 'UPDATE principals SET password_hash = ? WHERE id = ?',
  createSession: `INSERT INTO sessions (token_hash, principal, csrf_token, created_at, expires_at, last_seen_at)
    VALUES (?, ?, ?, ?, ?, ?)`,
  getSession: `SELECT token_hash, principal, csrf_token, created_at, expires_at, last_seen_at
    FROM sessions WHERE token_hash = ?`,
  deleteSession: 'DELETE FROM sessions WHERE token_hash = ?',
  touchSession: 'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?',
  deleteSessionsOf: 'DELETE FROM sessions WHERE principal = ? AND token_hash <> ?',
  createApiToken: `INSERT INTO api_tokens (token_hash, principal, label, created_at, expires_at)
    VALUES (?, ?, ?, ?, ?)`,
  getApiToken: `SELECT token_hash, principal, label, created_at, expires_at FROM api_tokens
    WHERE token_hash = ?`,
  listApiTokensOf: `SELECT token_hash, principal, label, created_at, expires_at FROM api_tokens
    WHERE principal = ? ORDER BY created_at, token_hash`,
  listApiTokens: `SELECT token_hash, principal, label, created_at, expires_at FROM api_tokens
    ORDER BY created_at, token_hash`,
  deleteApiToken: 'DELETE FROM api_tokens WHERE token_hash = ?',
  deleteApiTokensOf: 'DELETE FROM api_tokens WHERE principal = ?',
  recordAudit: 'INSERT INTO audit_events (at, type, principal, ip, detail) VALUES (?, ?, ?, ?, ?)',
  listAudit: 'SELECT at, type, principal, ip, detail FROM audit_events ORDER BY id DESC LIMIT ?',
  claimIdempotency: `INSERT INTO idempotency_keys
      (principal, idem_key, fingerprint, status, content_type, body, created_at, expires_at)
    VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?) ON CONFLICT (principal, idem_key) DO NOTHING`,
  getIdempotency: `SELECT principal, idem_key, fingerprint, status, content_type, body, created_at, expires_at
    FROM idempotency_keys WHERE principal = ? AND idem_key = ?`,
  dropExpiredIdempotency:
    'DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ? AND expires_at <= ?',
  completeIdempotency: `UPDATE idempotency_keys SET status = ?, content_type = ?, body = ?
    WHERE principal = ? AND idem_key = ? AND status IS NULL`,
  releaseIdempotency: 'DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ? AND status IS NULL',
  purgeIdempotency:
    'DELETE FROM idempotency_keys WHERE expires_at <= ? OR (status IS NULL AND created_at < ?)',
} as const;

/** The `LIKE` pattern matching refs into `party`'s chain (`<party>/<seq>`). */
export function refPartyPattern(party: string): string {
  return `${party.replace(/[\\%_]/g, '\\$&')}/%`;
}

/** What differs between the dialects in the shared queries. */
export interface SqlDialect {
  /** Appended after `FROM entries` where the (channel, kind, cursor) index must be used. */
  readonly kindIndexHint: string;
  /** How a boolean is bound (SQLite has no boolean type). */
  readonly flag: (value: boolean) => unknown;
}

/** The arguments of listAwaitingReceipt, once checked to be worth a query. */
export interface AwaitingReceiptQuery {
  principal: string;
  channels: string[];
  kinds: string[];
  limit: number;
}
