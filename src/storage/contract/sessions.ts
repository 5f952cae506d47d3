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
}

export interface SessionStore {
  /** Throws AlreadyExistsError when the token hash is taken. */
  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Records a use of the session (the idle timeout counts from it). */
  touchSession(tokenHash: string, at: number): Promise<void>;
  /** Ends a principal's sessions, except the one with `keepTokenHash`; returns how many. */
  deleteSessionsOf(principal: string, keepTokenHash: string | null): Promise<number>;
}
