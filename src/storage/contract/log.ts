/**
 * The log part of the storage contract: channels, their hash chains (entries and chain heads),
 * the witness records around checkpoints (cosignatures, witnessed roots), fork evidence and the
 * replication watermarks that make the durable outbox (DESIGN.md, log and federation sections).
 */
import type { Precedence } from '../../core/entry.js';
import type { Channel, ChannelCharter, ChannelState } from '../../core/model.js';
import type { EntryRecord } from '../../core/verify-chain.js';
import type { LeaseFence } from './leases.js';

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
  /**
   * For entries this node writes on its own (escalation steps, delivery receipts): what the entry
   * is about, unique among stored entries, so two processes can never both sign it. Written
   * only; reads leave it out.
   */
  naturalKey?: string | null;
}

/**
 * A stored entry with its position in this node's store, used as a paging/live-update cursor.
 * Cursors are node-wide: unique, strictly increasing in commit order across all channels, never
 * reused (gaps are possible), so one cursor pages one channel or the whole change feed.
 */
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

/** The newest cosigned note of one witness for one chain. */
export interface LatestCosignature {
  witness: string;
  size: number;
  note: string;
}

/** Channels and their records. */
export interface ChannelStore {
  /**
   * Creates a channel together with the first entries of the local party's chain, atomically.
   * Throws AlreadyExistsError when the id is taken.
   */
  createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void>;
  getChannel(id: string): Promise<Channel | null>;
  listChannels(): Promise<Channel[]>;
  setChannelState(id: string, state: ChannelState): Promise<void>;
  /**
   * Replaces the channel's languages, observers and parties (after an agreed charter amendment);
   * the channel's offices become those of the parties.
   */
  setChannelCharter(id: string, charter: ChannelCharter): Promise<void>;
}

/** What an append checks beyond the chain rules, in its own transaction. */
export interface AppendOptions {
  /** Leases the write depends on: LeaseLostError (nothing written) when one has moved on. */
  fences?: LeaseFence[];
  /**
   * The entries are this node's own: each must be dated after the node clock, or the append
   * throws ClockBehindError (nothing written). Every append advances the clock to its newest
   * entry, whoever's it is.
   */
  checkClock?: boolean;
}

/** The one append a {@link ChainStore.withChainsHeld} turn may make, inside the turn's transaction. */
export interface ChainTurn {
  /** Every chain head of the held channels, as committed when the turn began. */
  readonly heads: readonly ChainHead[];
  /** The node clock then ('' before the first entry). */
  readonly clock: string;
  /** The held channels' entries of the kinds the turn asked for, oldest first. */
  readonly entriesOfKinds: readonly StoredEntry[];
  /** As appendEntries, but committed only when the turn ends (and not at all if `work` throws). */
  append(entries: StoredEntry[], heads: ChainHead[], options?: AppendOptions): Promise<void>;
}

/** Entries and chain heads. */
export interface ChainStore {
  /**
   * Appends entries to one or more chains in one durable transaction and replaces those chains'
   * heads. All or nothing: throws ChainConflictError (and writes nothing) when an entry's seq is
   * already taken or does not continue the stored head, or when `prev` does not match;
   * DuplicateEntryError when an entry's natural key is already stored (or repeated in the
   * batch); LeaseLostError and ClockBehindError as `options` say. Conflicts are checked first,
   * then fences, the clock and natural keys.
   */
  appendEntries(entries: StoredEntry[], heads: ChainHead[], options?: AppendOptions): Promise<void>;
  /**
   * Runs `work` while no other writer, in this process or another, can append to the channels
   * (PostgreSQL: one transaction holding their rows, which every append locks first). What storage
   * returns meanwhile is their newest state, so an append built from it cannot conflict on those
   * chains. `work` makes at most one append, through the turn; it commits when `work` resolves.
   * Present only where holding costs no one else (not SQLite, whose write lock would stall the
   * whole process): there, writers detect conflicts at commit instead. A turn idle for 10 s is
   * ended by the server, so a stuck caller cannot hold a channel for ever.
   */
  withChainsHeld?<T>(
    channels: readonly string[],
    work: (turn: ChainTurn) => Promise<T>,
    options?: { kinds?: readonly string[] },
  ): Promise<T>;
  /** The node clock: the newest timestamp of any stored entry ('' when none). */
  nodeClock(): Promise<string>;
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
}

/** What witnesses and replication remember about chains. */
export interface WitnessStore {
  /** Per channel, how many entries of the local chain the peer has confirmed holding. */
  getReplication(peer: string): Promise<Map<string, number>>;
  /**
   * Records a confirmation; never moves a watermark backwards. With `fence` (the peer's outbox
   * lease), refused with LeaseLostError once the lease has moved on.
   */
  setReplication(peer: string, channel: string, ackedSize: number, fence?: LeaseFence): Promise<void>;
  recordFork(evidence: ForkEvidence): Promise<void>;
  listForks(): Promise<ForkEvidence[]>;
  /**
   * Remembers that this node cosigned `root` for a chain at `size`. Returns the root already
   * cosigned at that size if it differs (and records nothing), else null. With `fence` (the
   * witness lease), refused with LeaseLostError once the lease has moved on.
   */
  recordWitnessed(
    channel: string,
    party: string,
    size: number,
    root: string,
    at: number,
    fence?: LeaseFence,
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
  latestCosignatures(channel: string, party: string): Promise<LatestCosignature[]>;
}

/** The whole log module. */
export interface LogStore extends ChannelStore, ChainStore, WitnessStore {}
