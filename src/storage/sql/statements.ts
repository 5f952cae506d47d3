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
import type { SearchDialect } from './search-statements.js';

/** Statements both backends also use inside their own transactions. */
export const SQL = {
  insertChannel: `INSERT INTO channels (${CHANNEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  insertEntry: `INSERT INTO entries
      (channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at, natural_key)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  /** Whether a fence still holds: its lease has the same holder and epoch. */
  fenceHolds: 'SELECT 1 AS one FROM leases WHERE name = ? AND holder = ? AND epoch = ?',
  getClock: 'SELECT hlc FROM node_clock WHERE id = 1',
  // Fixed-width timestamps: comparing the text compares the times (core/hlc.ts).
  advanceClock: 'UPDATE node_clock SET hlc = ? WHERE id = 1 AND hlc < ?',
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
  putNodeKeyRotation: `INSERT INTO node_key_rotations
    (party, previous_key, new_key, at, previous_signature, new_signature) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (party, previous_key) DO NOTHING`,
  listNodeKeyRotations: `SELECT party, previous_key, new_key, at, previous_signature, new_signature
    FROM node_key_rotations ORDER BY party, at`,
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
  setPrincipalKey: 'UPDATE principals SET private_key = ?, public_key = coalesce(?, public_key) WHERE id = ?',
  createSession: `INSERT INTO sessions (token_hash, principal, csrf_token, created_at, expires_at, last_seen_at,
    pending_factor, wrapped_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  getSession: `SELECT token_hash, principal, csrf_token, created_at, expires_at, last_seen_at, pending_factor,
    wrapped_key FROM sessions WHERE token_hash = ?`,
  completeSessionFactor: `UPDATE sessions SET pending_factor = NULL, expires_at = ?
    WHERE token_hash = ? AND pending_factor IS NOT NULL`,
  deleteSession: 'DELETE FROM sessions WHERE token_hash = ?',
  touchSession: 'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?',
  deleteSessionsOf: 'DELETE FROM sessions WHERE principal = ? AND token_hash <> ?',
  createApiToken: `INSERT INTO api_tokens (token_hash, principal, label, created_at, expires_at, wrapped_key)
    VALUES (?, ?, ?, ?, ?, ?)`,
  getApiToken: `SELECT token_hash, principal, label, created_at, expires_at, last_used_at, wrapped_key
    FROM api_tokens WHERE token_hash = ?`,
  // Listings leave the wrapped keys out: nobody who lists tokens needs them.
  listApiTokensOf: `SELECT token_hash, principal, label, created_at, expires_at, last_used_at,
    NULL AS wrapped_key FROM api_tokens WHERE principal = ? ORDER BY created_at, token_hash`,
  listApiTokens: `SELECT token_hash, principal, label, created_at, expires_at, last_used_at,
    NULL AS wrapped_key FROM api_tokens ORDER BY created_at, token_hash`,
  deleteApiToken: 'DELETE FROM api_tokens WHERE token_hash = ?',
  deleteApiTokensOf: 'DELETE FROM api_tokens WHERE principal = ?',
  touchApiToken: 'UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?',
  createCalendarFeed: `INSERT INTO calendar_feeds (token_hash, id, principal, scope, target, created_at)
    VALUES (?, ?, ?, ?, ?, ?)`,
  getCalendarFeed: `SELECT token_hash, id, principal, scope, target, created_at FROM calendar_feeds
    WHERE token_hash = ?`,
  listCalendarFeedsOf: `SELECT token_hash, id, principal, scope, target, created_at FROM calendar_feeds
    WHERE principal = ? ORDER BY created_at, id`,
  listCalendarFeeds: `SELECT token_hash, id, principal, scope, target, created_at FROM calendar_feeds
    ORDER BY created_at, id`,
  deleteCalendarFeed: 'DELETE FROM calendar_feeds WHERE id = ?',
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
  // Free (no holder), expired, or already ours: taken or renewed in one statement, so two
  // processes racing for it cannot both win. The epoch grows only when the holder changes.
  acquireLease: `INSERT INTO leases (name, holder, epoch, acquired_at, expires_at) VALUES (?, ?, 1, ?, ?)
    ON CONFLICT (name) DO UPDATE SET
      epoch = CASE WHEN leases.holder = excluded.holder THEN leases.epoch ELSE leases.epoch + 1 END,
      acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at
        ELSE excluded.acquired_at END,
      holder = excluded.holder,
      expires_at = excluded.expires_at
    WHERE leases.holder = excluded.holder OR leases.holder = '' OR leases.expires_at <= excluded.acquired_at
    RETURNING name, holder, epoch, acquired_at, expires_at`,
  releaseLease: `UPDATE leases SET holder = '', expires_at = 0 WHERE name = ? AND holder = ? AND epoch = ?`,
  getLease: 'SELECT name, holder, epoch, acquired_at, expires_at FROM leases WHERE name = ?',
  listLeases: 'SELECT name, holder, epoch, acquired_at, expires_at FROM leases ORDER BY name',
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
  /** How the search query matches terms and binds lists (search-statements.ts). */
  readonly search: SearchDialect;
}

/** The arguments of listAwaitingReceipt, once checked to be worth a query. */
export interface AwaitingReceiptQuery {
  principal: string;
  channels: string[];
  kinds: string[];
  limit: number;
}
