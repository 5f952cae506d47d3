/**
 * The rows both backends store and how they become the contract's objects: the same columns in
 * SQLite and PostgreSQL, lists and maps kept as JSON text.
 */
import type { Precedence } from '../core/entry.js';
import type {
  ChainHead,
  Channel,
  ChannelState,
  CursoredEntry,
  Peer,
  Principal,
  Role,
  StoredEntry,
} from './storage.js';

export interface NodeInfoRow {
  party: string;
  party_name: string;
  node_public_key: string;
  created_at: number;
}

export interface PrincipalRow {
  id: string;
  office: string | null;
  role: string;
  title: string;
  password_hash: string;
  public_key: string;
  private_key: string;
  created_at: number;
  /** A boolean in PostgreSQL, 0 or 1 in SQLite. */
  disabled: boolean | number;
}

export interface ChannelRow {
  id: string;
  name: string;
  offices: string;
  languages: string;
  parties: string;
  observers: string;
  state: string;
  created_at: number;
}

export interface PeerRow {
  party: string;
  name: string;
  url: string;
  node_public_key: string;
  tls_ca: string | null;
  added_at: number;
}

export interface EntryRow {
  cursor: number;
  channel: string;
  party: string;
  seq: number;
  hash: string;
  canonical: string;
  sig: string;
  kind: string;
  author: string;
  precedence: string;
  hlc: string;
  ref: string | null;
  stored_at: number;
}

export interface HeadRow {
  channel: string;
  party: string;
  size: number;
  hash: string | null;
  frontier: string;
  checkpoint: string;
}

export const ENTRY_COLUMNS =
  'cursor, channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at';

export function toEntry(row: EntryRow): StoredEntry {
  return {
    channel: row.channel,
    party: row.party,
    seq: row.seq,
    hash: row.hash,
    canonical: row.canonical,
    sig: row.sig,
    kind: row.kind,
    author: row.author,
    precedence: row.precedence as Precedence,
    hlc: row.hlc,
    ref: row.ref,
    storedAt: row.stored_at,
  };
}

export function toCursored(row: EntryRow): CursoredEntry {
  return { ...toEntry(row), cursor: row.cursor };
}

export function toHead(row: HeadRow): ChainHead {
  return {
    channel: row.channel,
    party: row.party,
    size: row.size,
    hash: row.hash,
    frontier: JSON.parse(row.frontier) as string[],
    checkpoint: row.checkpoint,
  };
}

export function toPrincipal(row: PrincipalRow): Principal {
  return {
    id: row.id,
    office: row.office,
    role: row.role as Role,
    title: row.title,
    passwordHash: row.password_hash,
    publicKey: row.public_key,
    privateKey: row.private_key,
    createdAt: row.created_at,
    disabled: Boolean(row.disabled),
  };
}

export function toChannel(row: ChannelRow): Channel {
  return {
    id: row.id,
    name: row.name,
    offices: JSON.parse(row.offices) as string[],
    languages: JSON.parse(row.languages) as string[],
    parties: JSON.parse(row.parties) as Record<string, string[]>,
    observers: JSON.parse(row.observers) as Record<string, string[]>,
    state: row.state as ChannelState,
    createdAt: row.created_at,
  };
}

export function toPeer(row: PeerRow): Peer {
  return {
    party: row.party,
    name: row.name,
    url: row.url,
    nodePublicKey: row.node_public_key,
    tlsCa: row.tls_ca,
    addedAt: row.added_at,
  };
}
