/**
 * The storage contract. Every backend (SQLite, PostgreSQL) implements it and must pass
 * the shared contract suite in `contract-suite.ts`. Methods are async so that network-backed
 * engines fit without changing callers.
 *
 * Durability rule: when a write method resolves, the data is on stable storage (fsync'd).
 */
import type { Precedence } from '../core/entry.js';
import type { EntryRecord } from '../core/verify-chain.js';

export { ROLES } from '../core/model.js';
export type {
  Role,
  NodeInfo,
  Office,
  Principal,
  ChannelState,
  ChannelCharter,
  Channel,
} from '../core/model.js';
import type { Channel, ChannelCharter, ChannelState, NodeInfo, Office, Principal } from '../core/model.js';

/** A peer node, pinned by its node key. */
export interface Peer {
  party: string;
  name: string;
  url: string;
  nodePublicKey: string;
  /** For https peers: the PEM certificate (or CA) that alone is trusted for the peer's TLS. */
  tlsCa?: string | null;
  addedAt: number;
}

/** Two checkpoints signed by one node for one chain that cannot both be true. */
export interface EquivocationEvidence {
  channel: string;
  party: string;
  noteA: string;
  noteB: string;
  detail: string;
  reportedBy: string;
  at: number;
}

export interface LinkTest {
  peer: string;
  at: number;
  ok: boolean;
  rttMs: number | null;
  error: string | null;
}

/** A peer's signed entry that conflicts with one already stored at its position. */
export interface ForkEvidence {
  channel: string;
  party: string;
  seq: number;
  storedHash: string;
  conflictingCanonical: string;
  conflictingSig: string;
  reportedBy: string;
  at: number;
}

/** One stored entry: what the verifier reads, plus fields derived for queries. */
export interface StoredEntry extends EntryRecord {
  precedence: Precedence;
  hlc: string;
  /** For receipts and other entries that point at one entry: `<party>/<seq>`; otherwise null. */
  ref: string | null;
  /** Milliseconds since the epoch when this node stored the entry. */
  storedAt: number;
}

/** A stored entry with its position in this node's store, used as a paging/live-update cursor. */
export interface CursoredEntry extends StoredEntry {
  cursor: number;
}

/** The state of one party's chain in one channel after the last commit. */
export interface ChainHead {
  channel: string;
  party: string;
  /** Number of entries (the next seq). */
  size: number;
  /** Hash of the last entry, null when empty. */
  hash: string | null;
  /** RFC 9162 compact range of the chain's Merkle tree (hex hashes), see core/merkle.ts. */
  frontier: string[];
  /** The latest signed checkpoint (C2SP signed note) covering `size` entries. */
  checkpoint: string;
}

export interface Session {
  tokenHash: string;
  principal: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

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

export interface Storage {
  readonly engine: string;
  /** Conditions the operator should know about, e.g. a server that does not fsync; logged at start. */
  readonly warnings?: readonly string[];
  close(): Promise<void>;

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

  /**
   * Creates a channel together with the first entries of the local party's chain, atomically.
   * Throws AlreadyExistsError when the id is taken.
   */
  createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void>;
  getChannel(id: string): Promise<Channel | null>;
  listChannels(): Promise<Channel[]>;

  /**
   * Appends entries to one or more chains in one durable transaction and replaces those chains'
   * heads. All or nothing: throws ChainConflictError (and writes nothing) when an entry's seq is
   * already taken or does not continue the stored head, or when `prev` does not match.
   */
  appendEntries(entries: StoredEntry[], heads: ChainHead[]): Promise<void>;
  getChainHead(channel: string, party: string): Promise<ChainHead | null>;
  listChainHeads(channel: string): Promise<ChainHead[]>;
  getEntry(channel: string, party: string, seq: number): Promise<StoredEntry | null>;
  /** Entries of one chain with seq >= fromSeq, ascending, at most `limit`. */
  readChain(channel: string, party: string, fromSeq: number, limit: number): Promise<StoredEntry[]>;
  /** Entries of a channel stored after `afterCursor`, in storage order, at most `limit`. */
  readChannel(channel: string, afterCursor: number, limit: number): Promise<CursoredEntry[]>;
  /**
   * Entries in the given channels that await a receipt from `principal`: kind in `kinds`, not
   * authored by the principal, and with no entry of kind 'receipt' by the principal whose ref
   * names them. Oldest first.
   */
  listAwaitingReceipt(
    principal: string,
    channels: string[],
    kinds: string[],
    limit: number,
  ): Promise<CursoredEntry[]>;
  countEntries(): Promise<number>;
  /** Entries of a kind in a channel, oldest first, at most `limit`. */
  listByKind(channel: string, kind: string, limit: number): Promise<StoredEntry[]>;
  /** Entries of a kind in a channel whose ref is exactly `ref` (e.g. receipts of one entry). */
  listByRef(channel: string, kind: string, ref: string): Promise<StoredEntry[]>;
  /**
   * The newest entry of `kind` in `party`'s chain whose ref names an entry of `refParty`'s chain
   * (e.g. the latest `received` receipt a party signed for another party's chain).
   */
  latestByRefParty(
    channel: string,
    party: string,
    kind: string,
    refParty: string,
  ): Promise<StoredEntry | null>;

  setChannelState(id: string, state: ChannelState): Promise<void>;
  /**
   * Replaces the channel's languages, observers and parties (after an agreed charter amendment);
   * the channel's offices become those of the parties.
   */
  setChannelCharter(id: string, charter: ChannelCharter): Promise<void>;

  /** Adds or replaces a peer. */
  putPeer(peer: Peer): Promise<void>;
  getPeer(party: string): Promise<Peer | null>;
  listPeers(): Promise<Peer[]>;
  /** Per channel, how many entries of the local chain the peer has confirmed holding. */
  getReplication(peer: string): Promise<Map<string, number>>;
  /** Records a confirmation; never moves a watermark backwards. */
  setReplication(peer: string, channel: string, ackedSize: number): Promise<void>;
  recordFork(evidence: ForkEvidence): Promise<void>;
  /**
   * Remembers that this node cosigned `root` for a chain at `size`. Returns the root already
   * cosigned at that size if it differs (and records nothing), else null.
   */
  recordWitnessed(
    channel: string,
    party: string,
    size: number,
    root: string,
    at: number,
  ): Promise<string | null>;
  putCosignature(
    channel: string,
    party: string,
    size: number,
    witness: string,
    note: string,
    at: number,
  ): Promise<void>;
  /** The newest cosigned note per witness for a chain. */
  latestCosignatures(
    channel: string,
    party: string,
  ): Promise<Array<{ witness: string; size: number; note: string }>>;
  recordEquivocation(evidence: EquivocationEvidence): Promise<void>;
  listEquivocations(): Promise<EquivocationEvidence[]>;
  recordLinkTest(test: LinkTest): Promise<void>;
  listLinkTests(peer: string, limit: number): Promise<LinkTest[]>;
  listForks(): Promise<ForkEvidence[]>;

  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;
  createApiToken(token: ApiToken): Promise<void>;
  getApiToken(tokenHash: string): Promise<ApiToken | null>;

  recordAudit(event: AuditEvent): Promise<void>;
  listAudit(limit: number): Promise<AuditEvent[]>;
}

/** A unique id (office, principal, channel, session) is already in use. */
export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} '${id}' already exists`);
  }
}

/** An append did not continue the stored chain; nothing was written. */
export class ChainConflictError extends Error {
  override readonly name = 'ChainConflictError';
  constructor(
    readonly channel: string,
    readonly party: string,
    readonly seq: number,
    detail: string,
  ) {
    super(`chain ${channel}/${party} conflict at seq ${seq}: ${detail}`);
  }
}
