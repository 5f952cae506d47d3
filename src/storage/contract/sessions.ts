/** The sessions part of the storage contract: console log-ins, by the hash of their token. */

export interface Session {
  tokenHash: string;
  principal: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionStore {
  /** Throws AlreadyExistsError when the token hash is taken. */
  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;
}
