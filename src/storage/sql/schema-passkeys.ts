/**
 * Passkeys (WebAuthn credentials) and their one-time challenges, and the second-factor state of a
 * session. A session whose `pending_factor` is set has passed the password step only: it may
 * finish logging in with a passkey (or register its first one) and nothing else
 * (workflows/directory/passkeys.ts). Challenges are stored, not kept in memory, so several node
 * processes sharing a PostgreSQL schema accept a challenge issued by any of them, and each is
 * taken by one delete, so it can be answered once. SQLite's version 7, PostgreSQL's 8.
 */
import type { DdlDialect, Migration } from './schema.js';

export function passkeysSchema(d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'passkeys and session second factor',
    sql: `
      CREATE TABLE passkeys (
        credential_id TEXT PRIMARY KEY,
        principal TEXT NOT NULL REFERENCES principals (id),
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        counter ${d.int} NOT NULL CHECK (counter >= 0),
        transports TEXT NOT NULL,
        device_type TEXT NOT NULL,
        ${d.flag('backed_up')},
        created_at ${d.int} NOT NULL,
        last_used_at ${d.int}
      );
      CREATE INDEX passkeys_principal ON passkeys (principal);
      CREATE TABLE passkey_challenges (
        challenge TEXT PRIMARY KEY,
        principal TEXT NOT NULL,
        session_hash TEXT NOT NULL,
        purpose TEXT NOT NULL,
        expires_at ${d.int} NOT NULL
      )${d.withoutRowid};
      CREATE INDEX passkey_challenges_expires ON passkey_challenges (expires_at);
      ALTER TABLE sessions ADD COLUMN pending_factor TEXT;
    `,
  };
}
