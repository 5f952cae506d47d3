/**
 * The rows both backends store and how they become the contract's objects, and back: the same
 * columns in SQLite and PostgreSQL, lists and maps kept as JSON text. Every mapper lives here so
 * that the backends hold only their dialect.
 */
import type { Precedence } from '../core/entry.js';
import type { EntryRecord } from '../core/verify-chain.js';
import type {
  ApiToken,
  CalendarFeed,
  ChainHead,
  Channel,
  ChannelCharter,
  ChannelState,
  CursoredEntry,
  EquivocationEvidence,
  ForkEvidence,
  LinkTest,
  NodeInfo,
  Peer,
  Principal,
  Role,
  Session,
  StoredEntry,
  IdempotencyRecord,
  Lease,
  SecurityEvent,
  SecurityTrailHead,
} from './storage.js';

/** A field name as a column name: `prevHash` → `prev_hash`. */
type ColumnName<Field extends string> = Field extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${ColumnName<Tail>}`
  : Field;

/** The row of a record whose columns are its fields, each under its column name, same types. */
export type RowOf<Record> = {
  [Field in keyof Record as Field extends string ? ColumnName<Field> : never]: Record[Field];
};

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

/** An entry's row: the verifier's record (core/verify-chain.ts) and what is indexed beside it. */
export interface EntryRow extends EntryRecord {
  cursor: number;
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

export interface ForkRow {
  channel: string;
  party: string;
  seq: number;
  stored_hash: string;
  conflicting_canonical: string;
  conflicting_sig: string;
  reported_by: string;
  at: number;
}

export interface EquivocationRow {
  channel: string;
  party: string;
  note_a: string;
  note_b: string;
  detail: string;
  reported_by: string;
  at: number;
}

export interface LinkTestRow {
  peer: string;
  at: number;
  /** A boolean in PostgreSQL, 0 or 1 in SQLite. */
  ok: boolean | number;
  rtt_ms: number | null;
  error: string | null;
}

export interface SessionRow {
  token_hash: string;
  principal: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  pending_factor: string | null;
  wrapped_key: string | null;
}

export interface ApiTokenRow {
  token_hash: string;
  principal: string;
  label: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  wrapped_key: string | null;
}

export const ENTRY_COLUMNS =
  'cursor, channel, party, seq, hash, canonical, sig, kind, author, precedence, hlc, ref, stored_at';
export const HEAD_COLUMNS = 'channel, party, size, hash, frontier, checkpoint';
export const CHANNEL_COLUMNS = 'id, name, offices, languages, parties, observers, state, created_at';
export const PRINCIPAL_COLUMNS =
  'id, office, role, title, password_hash, public_key, private_key, created_at, disabled';
export const PEER_COLUMNS = 'party, name, url, node_public_key, tls_ca, added_at';
export const FORK_COLUMNS =
  'channel, party, seq, stored_hash, conflicting_canonical, conflicting_sig, reported_by, at';
export const EQUIVOCATION_COLUMNS = 'channel, party, note_a, note_b, detail, reported_by, at';

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

/** An entry's values in the order of the insert columns (ENTRY_COLUMNS without the cursor). */
export function entryValues(e: StoredEntry): unknown[] {
  return [
    e.channel,
    e.party,
    e.seq,
    e.hash,
    e.canonical,
    e.sig,
    e.kind,
    e.author,
    e.precedence,
    e.hlc,
    e.ref,
    e.storedAt,
    e.naturalKey ?? null,
  ];
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

/** A head's values in the order of HEAD_COLUMNS. */
export function headValues(h: ChainHead): [string, string, number, string | null, string, string] {
  return [h.channel, h.party, h.size, h.hash, JSON.stringify(h.frontier), h.checkpoint];
}

export function toNodeInfo(row: NodeInfoRow): NodeInfo {
  return {
    party: row.party,
    partyName: row.party_name,
    nodePublicKey: row.node_public_key,
    createdAt: row.created_at,
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

/** A principal's values in the order of PRINCIPAL_COLUMNS; `flag` encodes the boolean. */
export function apiTokenValues(t: ApiToken): unknown[] {
  return [t.tokenHash, t.principal, t.label, t.createdAt, t.expiresAt ?? null, t.wrappedKey ?? null];
}

export function calendarFeedValues(f: CalendarFeed): unknown[] {
  return [f.tokenHash, f.id, f.principal, f.scope, f.target, f.createdAt];
}

export function sessionValues(s: Session): unknown[] {
  return [
    s.tokenHash,
    s.principal,
    s.csrfToken,
    s.createdAt,
    s.expiresAt,
    s.lastSeenAt,
    s.pendingFactor ?? null,
    s.wrappedKey ?? null,
  ];
}

export function principalValues(p: Principal, flag: (value: boolean) => unknown): unknown[] {
  return [
    p.id,
    p.office,
    p.role,
    p.title,
    p.passwordHash,
    p.publicKey,
    p.privateKey,
    p.createdAt,
    flag(p.disabled),
  ];
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

/** A channel's values in the order of CHANNEL_COLUMNS. */
export function channelValues(c: Channel): unknown[] {
  return [
    c.id,
    c.name,
    JSON.stringify(c.offices),
    JSON.stringify(c.languages),
    JSON.stringify(c.parties),
    JSON.stringify(c.observers),
    c.state,
    c.createdAt,
  ];
}

/** languages, observers, parties, offices: the columns an agreed amendment replaces. */
export function charterValues(charter: ChannelCharter): unknown[] {
  return [
    JSON.stringify(charter.languages),
    JSON.stringify(charter.observers),
    JSON.stringify(charter.parties),
    JSON.stringify(Object.values(charter.parties).flat()),
  ];
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

/** A peer's values in the order of PEER_COLUMNS. */
export function peerValues(p: Peer): unknown[] {
  return [p.party, p.name, p.url, p.nodePublicKey, p.tlsCa ?? null, p.addedAt];
}

export function toFork(row: ForkRow): ForkEvidence {
  return {
    channel: row.channel,
    party: row.party,
    seq: row.seq,
    storedHash: row.stored_hash,
    conflictingCanonical: row.conflicting_canonical,
    conflictingSig: row.conflicting_sig,
    reportedBy: row.reported_by,
    at: row.at,
  };
}

/** Fork evidence in the order of FORK_COLUMNS. */
export function forkValues(f: ForkEvidence): unknown[] {
  return [
    f.channel,
    f.party,
    f.seq,
    f.storedHash,
    f.conflictingCanonical,
    f.conflictingSig,
    f.reportedBy,
    f.at,
  ];
}

export function toEquivocation(row: EquivocationRow): EquivocationEvidence {
  return {
    channel: row.channel,
    party: row.party,
    noteA: row.note_a,
    noteB: row.note_b,
    detail: row.detail,
    reportedBy: row.reported_by,
    at: row.at,
  };
}

/** Equivocation evidence in the order of EQUIVOCATION_COLUMNS. */
export function equivocationValues(e: EquivocationEvidence): unknown[] {
  return [e.channel, e.party, e.noteA, e.noteB, e.detail, e.reportedBy, e.at];
}

export function toLinkTest(row: LinkTestRow): LinkTest {
  return { peer: row.peer, at: row.at, ok: Boolean(row.ok), rttMs: row.rtt_ms, error: row.error };
}

export function toSession(row: SessionRow): Session {
  return {
    tokenHash: row.token_hash,
    principal: row.principal,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    // Left out for a complete session, as sessions from before second factors read.
    ...(row.pending_factor === 'passkey' || row.pending_factor === 'passkey-enrol'
      ? { pendingFactor: row.pending_factor }
      : {}),
    // Left out when there is none (a token or session that cannot sign), as on every backend.
    ...(row.wrapped_key ? { wrappedKey: row.wrapped_key } : {}),
  };
}

export function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    tokenHash: row.token_hash,
    principal: row.principal,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    ...(row.wrapped_key ? { wrappedKey: row.wrapped_key } : {}),
  };
}

export type SecurityEventRow = RowOf<SecurityEvent>;

export function toSecurityEvent(row: SecurityEventRow): SecurityEvent {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    address: row.address,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
    nodeKey: row.node_key,
    sig: row.sig,
  };
}

export function toSecurityTrailHead(row: {
  seq: number;
  hash: string;
  node_key: string;
  sig: string;
}): SecurityTrailHead {
  return { seq: row.seq, hash: row.hash, nodeKey: row.node_key, sig: row.sig };
}

export interface CalendarFeedRow {
  token_hash: string;
  id: string;
  principal: string;
  scope: 'office' | 'channel';
  target: string;
  created_at: number;
}

export function toCalendarFeed(row: CalendarFeedRow): CalendarFeed {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    principal: row.principal,
    scope: row.scope,
    target: row.target,
    createdAt: row.created_at,
  };
}

export interface IdempotencyRow {
  principal: string;
  idem_key: string;
  fingerprint: string;
  status: number | null;
  content_type: string | null;
  body: string | null;
  created_at: number;
  expires_at: number;
}

export function toIdempotencyRecord(row: IdempotencyRow): IdempotencyRecord {
  return {
    principal: row.principal,
    key: row.idem_key,
    fingerprint: row.fingerprint,
    status: row.status === null ? null : Number(row.status),
    contentType: row.content_type,
    body: row.body,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

export interface LeaseRow {
  name: string;
  holder: string;
  epoch: number;
  acquired_at: number;
  expires_at: number;
}

export function toLease(row: LeaseRow): Lease {
  return {
    name: row.name,
    holder: row.holder,
    epoch: row.epoch,
    acquiredAt: row.acquired_at,
    expiresAt: row.expires_at,
  };
}
