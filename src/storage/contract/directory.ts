/**
 * The directory part of the storage contract: this node's identity, its offices and principals,
 * API tokens and the audit trail.
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
}

export interface AuditEvent {
  at: number;
  type: string;
  principal: string | null;
  ip: string | null;
  detail: string;
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

  /** Throws AlreadyExistsError when the token hash is taken. */
  createApiToken(token: ApiToken): Promise<void>;
  getApiToken(tokenHash: string): Promise<ApiToken | null>;
  /** One principal's tokens, or everyone's with null; oldest first. */
  listApiTokens(principal: string | null): Promise<ApiToken[]>;
  /** False when there was no such token. */
  deleteApiToken(tokenHash: string): Promise<boolean>;
  /** Deletes every token of a principal; returns how many. */
  deleteApiTokensOf(principal: string): Promise<number>;

  recordAudit(event: AuditEvent): Promise<void>;
  /** Newest first. */
  listAudit(limit: number): Promise<AuditEvent[]>;
}
