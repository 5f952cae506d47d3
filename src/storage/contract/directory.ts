/**
 * The directory part of the storage contract: this node's identity, its offices and principals,
 * and API tokens (the security audit trail is security-trail.ts).
 */
import type { NodeInfo, Office, Principal } from '../../core/model.js';

export interface ApiToken {
  tokenHash: string;
  principal: string;
  label: string;
  createdAt: number;
  /**
   * When it stops working; null (or left out when creating) for a token that does not expire:
   * those issued before expiry existed, and fixtures.
   */
  expiresAt?: number | null;
  /** When it last authenticated a request (recorded at most once a minute); null when never. */
  lastUsedAt?: number | null;
  /**
   * The person's signing key wrapped under a key derived from the token's secret
   * (workflows/directory/key-custody.ts), so scripts can sign; null or absent for a token that
   * only reads. Revoking the token destroys it.
   */
  wrappedKey?: string | null;
}

export interface DirectoryStore {
  getNodeInfo(): Promise<NodeInfo | null>;
  setNodeInfo(info: NodeInfo): Promise<void>;

  /** Throws AlreadyExistsError when the id is taken. */
  addOffice(office: Office): Promise<void>;
  getOffice(id: string): Promise<Office | null>;
  listOffices(): Promise<Office[]>;

  /** Throws AlreadyExistsError when the id is taken. */
  addPrincipal(principal: Principal): Promise<void>;
  getPrincipal(id: string): Promise<Principal | null>;
  listPrincipals(): Promise<Principal[]>;
  /** False when there is no such principal. */
  setPrincipalDisabled(id: string, disabled: boolean): Promise<boolean>;
  /** False when there is no such principal. */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  /**
   * Replaces a principal's stored private key (sealed form) and, when given, public key (a
   * rotation or an admin reset). False when there is no such principal.
   */
  setPrincipalKey(id: string, privateKey: string, publicKey?: string): Promise<boolean>;

  /** Throws AlreadyExistsError when the token hash is taken. */
  createApiToken(token: ApiToken): Promise<void>;
  getApiToken(tokenHash: string): Promise<ApiToken | null>;
  /** One principal's tokens, or everyone's with null; oldest first. */
  listApiTokens(principal: string | null): Promise<ApiToken[]>;
  /** False when there was no such token. */
  deleteApiToken(tokenHash: string): Promise<boolean>;
  /** Deletes every token of a principal; returns how many. */
  deleteApiTokensOf(principal: string): Promise<number>;

  /** Records a token's use at `at` (the caller limits how often). */
  touchApiToken(tokenHash: string, at: number): Promise<void>;
}
