/**
 * The SQL of the passkeys part of the contract (contract/passkeys.ts), shared by both dialects
 * like statements.ts, and the mapping of its rows.
 */
import type { PasskeyCredential } from '../contract/passkeys.js';

/** Challenges that expired longer ago than this are dropped when a new one is stored. */
export const PASSKEY_CHALLENGE_MAX_MS = 10 * 60_000;

const PASSKEY_COLUMNS =
  'credential_id, principal, name, public_key, counter, transports, device_type, backed_up, created_at, last_used_at';

export const PQ = {
  addPasskey: `INSERT INTO passkeys (${PASSKEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  getPasskey: `SELECT ${PASSKEY_COLUMNS} FROM passkeys WHERE credential_id = ?`,
  listPasskeys: `SELECT ${PASSKEY_COLUMNS} FROM passkeys ORDER BY created_at, credential_id`,
  listPasskeysOf: `SELECT ${PASSKEY_COLUMNS} FROM passkeys WHERE principal = ? ORDER BY created_at, credential_id`,
  renamePasskey: 'UPDATE passkeys SET name = ? WHERE credential_id = ? AND principal = ?',
  deletePasskey: 'DELETE FROM passkeys WHERE credential_id = ? AND principal = ?',
  recordPasskeyUse:
    'UPDATE passkeys SET counter = ?, last_used_at = ? WHERE credential_id = ? AND counter = ?',
  dropExpiredChallenges: 'DELETE FROM passkey_challenges WHERE expires_at < ?',
  dropSessionChallenge: 'DELETE FROM passkey_challenges WHERE session_hash = ? AND purpose = ?',
  putChallenge: `INSERT INTO passkey_challenges (challenge, principal, session_hash, purpose, expires_at)
    VALUES (?, ?, ?, ?, ?)`,
  takeChallenge: `DELETE FROM passkey_challenges
    WHERE challenge = ? AND session_hash = ? AND purpose = ? AND expires_at > ?`,
} as const;

export interface PasskeyRow {
  credential_id: string;
  principal: string;
  name: string;
  public_key: string;
  counter: number | string;
  transports: string;
  device_type: string;
  /** A boolean in PostgreSQL, 0 or 1 in SQLite. */
  backed_up: boolean | number;
  created_at: number;
  last_used_at: number | null;
}

export function passkeyValues(c: PasskeyCredential, flag: (value: boolean) => unknown): unknown[] {
  return [
    c.id,
    c.principal,
    c.name,
    c.publicKey,
    c.counter,
    JSON.stringify(c.transports),
    c.deviceType,
    flag(c.backedUp),
    c.createdAt,
    c.lastUsedAt,
  ];
}

export function toPasskey(row: PasskeyRow): PasskeyCredential {
  return {
    id: row.credential_id,
    principal: row.principal,
    name: row.name,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
    deviceType: row.device_type,
    backedUp: Boolean(row.backed_up),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
