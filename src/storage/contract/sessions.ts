/** The sessions part of the storage contract: console log-ins, by the hash of their token. */

export interface Session {
  tokenHash: string;
  principal: string;
  csrfToken: string;
  createdAt: number;
  /** Absolute end (the session ttl). */
  expiresAt: number;
  /** Last authenticated use, updated at most once a minute (the idle timeout). */
  lastSeenAt: number;
  /**
   * Set while the session has passed the password step only and still owes a second factor
   * (passkeys): `passkey` to log in with one, `passkey-enrol` to register a first one. Null or
   * absent for a complete session.
   */
  pendingFactor?: PendingFactor | null;
  /**
   * The person's signing key, wrapped under a key derived from the session's cookie secret
   * (workflows/directory/key-custody.ts): only the cookie's holder can unwrap it, and deleting
   * the session destroys it. Null or absent for a session without one.
   */
  wrappedKey?: string | null;
}

export type PendingFactor = 'passkey' | 'passkey-enrol';

export interface SessionStore {
  /** Throws AlreadyExistsError when the token hash is taken. */
  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Records a use of the session (the idle timeout counts from it). */
  touchSession(tokenHash: string, at: number): Promise<void>;
  /** Ends a principal's sessions, except the one with `keepTokenHash`; returns how many. */
  deleteSessionsOf(principal: string, keepTokenHash: string | null): Promise<number>;
  /**
   * Completes a session that owed a second factor, giving it its absolute end; false when the
   * session is gone or was complete already (so one factor completes it once).
   */
  completeSessionFactor(tokenHash: string, expiresAt: number): Promise<boolean>;
}
