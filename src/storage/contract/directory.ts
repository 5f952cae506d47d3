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

  /** Throws AlreadyExistsError when the token hash is taken. */
  createApiToken(token: ApiToken): Promise<void>;
  getApiToken(tokenHash: string): Promise<ApiToken | null>;

  recordAudit(event: AuditEvent): Promise<void>;
  /** Newest first. */
  listAudit(limit: number): Promise<AuditEvent[]>;
}
