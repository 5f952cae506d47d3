/**
 * The domain model every layer shares: parties' nodes, offices, principals (people with a role)
 * and channels (DESIGN.md, Concepts). Plain data; the rules that act on it live in core/policy.ts
 * and the workflows.
 */
/** Ids of offices, principals and channels. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const PARTY_PATTERN = /^[A-Z][A-Z0-9]{1,15}$/;
/** A pragmatic BCP 47 check: primary language subtag plus optional subtags. */
export const LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
export const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;
export const HEX_HASH = /^[0-9a-f]{64}$/;
export const MAX_TEXT = 100_000;

export const ROLES = ['admin', 'head', 'member', 'duty-officer', 'translator', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export interface NodeInfo {
  party: string;
  partyName: string;
  /** Node's Ed25519 public key (raw, base64). The private key lives in a 0600 file, not here. */
  nodePublicKey: string;
  createdAt: number;
}

export interface Office {
  id: string;
  name: string;
}

export interface Principal {
  id: string;
  /** null for node-wide administrators who belong to no office. */
  office: string | null;
  role: Role;
  title: string;
  /** scrypt hash in the PHC-like form produced by workflows/directory/password.ts. */
  passwordHash: string;
  publicKey: string;
  /** PKCS#8 DER, base64. The node signs entries on the principal's behalf with it. */
  privateKey: string;
  createdAt: number;
  disabled: boolean;
}

export type ChannelState = 'proposed' | 'active' | 'suspended' | 'closed';

/** What an agreed charter amendment can change in a channel's record. */
export interface ChannelCharter {
  languages: string[];
  observers: Record<string, string[]>;
  parties: Record<string, string[]>;
}

export interface Channel {
  id: string;
  name: string;
  /** Every member office, of every party. */
  offices: string[];
  languages: string[];
  /** Member offices per party (party id → office ids). */
  parties: Record<string, string[]>;
  /** Offices admitted read-only, per party. */
  observers: Record<string, string[]>;
  /** `proposed` until every party has accepted the charter with a signed entry. */
  state: ChannelState;
  createdAt: number;
}
