/**
 * What federation needs from its node, and nothing more. Federation never holds the node or its
 * storage: each module takes the slice of this context it uses (the `*Context` types below), so
 * a reader sees at a glance what the receiver, the replicator, the witness or the link monitor
 * can touch. Storage is reached through explicit, minimal views (Picks of the storage contract);
 * the rules the node folds from its log (charter changes, channel state) and the node-signed
 * `received` receipt are methods, so federation does not re-implement them. Live wake-ups go
 * through `onLogChanged` / `notifyChannel*`, so they can be backed by in-process events today
 * and by storage's change feed later. `node-context.ts` adapts a ParleyNode to it.
 */
import type { CharterAmendment } from '../core/charter-changes.js';
import type { Channel, Storage, StoredEntry } from '../storage/storage.js';
import type { NodeSigner } from './request-signing.js';
import type { KindRegistry } from '../core/kinds.js';
import type { CheckSignatures } from '../core/verify-chain.js';
import type { SecurityEventInput } from '../workflows/audit-trail/record.js';

/** Reading the channels and chains this node holds. */
export type ChainReader = Pick<
  Storage,
  | 'getChannel'
  | 'listChannels'
  | 'getChainHead'
  | 'listChainHeads'
  | 'getEntry'
  | 'readChain'
  | 'listByKind'
  | 'listByRef'
>;

/** Storing peers' verified entries, and a channel a peer proposed. */
export type ReplicaWriter = Pick<Storage, 'appendEntries' | 'createChannel'>;

/** Pinned peers, what each confirmed holding, its cosignatures of this party's chains, link tests. */
export type PeerBook = Pick<
  Storage,
  | 'getPeer'
  | 'listPeers'
  | 'putPeer'
  | 'getReplication'
  | 'setReplication'
  | 'putCosignature'
  | 'recordLinkTest'
  | 'listLinkTests'
  | 'putNodeKeyRotation'
  | 'listNodeKeyRotations'
>;

/** Evidence against misbehaving nodes, and the roots this node cosigned as a witness. */
export type EvidenceLog = Pick<Storage, 'recordFork' | 'recordWitnessed' | 'recordEquivocation'>;

/** The security audit trail (a pinned peer is an audited event; workflows/audit-trail). */
export interface AuditLog {
  recordSecurityEvent(event: SecurityEventInput): Promise<void>;
}

/** One entry named by another: `{ party, seq, hash }` of the same channel. */
export interface EntryRef {
  party: string;
  seq: number;
  hash: string;
}

/** A proposed channel change as the node folds it (see the node's `changes`). */
export interface ChannelChangeSummary {
  /** The proposing entry, `<channel>/<party>/<seq>`. */
  id: string;
  change: 'suspend' | 'resume' | 'amend';
  /** The proposing party. */
  party: string;
  charter?: CharterAmendment;
  /** Parties whose agreement is still missing. */
  waitingFor: string[];
}

export interface FederationContext {
  /** This node's party, its name and its node key (the key that signs for it). */
  readonly party: string;
  readonly partyName: string;
  readonly nodePublicKey: string;
  readonly fingerprint: string;
  /** Wall-clock time (ms); injectable in the node so tests can run in virtual time. */
  now(): number;
  /** Moves the node's hybrid logical clock past a timestamp it received. */
  observeClock(hlc: string): void;
  /** Signs with the node key (federation requests); the key itself stays in the node. */
  readonly signAsNode: NodeSigner;
  /** Adds this node's witness cosignature (C2SP tlog-cosignature) to a checkpoint note. */
  cosign(note: string): string;
  /** Every kind this node knows: received entries are checked against the same list as its own. */
  readonly kinds: KindRegistry;

  readonly chains: ChainReader;
  readonly replicas: ReplicaWriter;
  readonly peers: PeerBook;
  readonly evidence: EvidenceLog;
  readonly audit: AuditLog;

  /** The charter entry of a channel (seq 0 of its founder's chain). */
  findCharter(channel: Channel): Promise<StoredEntry | null>;
  /** Every proposed change of the channel with who still has to agree, in the order all nodes fold them. */
  channelChanges(channel: Channel): Promise<{ list: ChannelChangeSummary[] }>;
  /** Brings the channel's record (charter in force, state) in line with its log. */
  refreshChannelState(id: string): Promise<Channel>;
  /** Appends this node's signed `received` receipt: it durably holds `of`'s chain up to `of`. */
  signReceived(channel: Channel, of: EntryRef): Promise<void>;
  /** Tells the appender the next entries of this party may say they have seen `party`/`seq`. */
  noteSeen(channel: string, party: string, seq: number): void;

  /**
   * Calls `listener` whenever this node committed entries or learned of a channel or member
   * (something may now be due to a peer). Returns the function that stops the calls.
   */
  onLogChanged(listener: () => void): () => void;
  /**
   * The channel's record changed here: drop what this process cached of it. (Live views are woken
   * by storage's commit hints, whichever process wrote.)
   */
  notifyChannelChanged(channel: string): void;
  /**
   * Checks received entries' signatures in parallel (node/signing-pool.ts): per entry, in order,
   * the key its signed bytes name where the signature verifies with it, else ''.
   */
  verifyEntrySignatures: CheckSignatures;
}

/** What the receiver of peers' pushes and pulls uses. */
export type ReceiverContext = Pick<
  FederationContext,
  | 'party'
  | 'kinds'
  | 'now'
  | 'observeClock'
  | 'chains'
  | 'replicas'
  | 'peers'
  | 'evidence'
  | 'channelChanges'
  | 'refreshChannelState'
  | 'signReceived'
  | 'noteSeen'
  | 'notifyChannelChanged'
  | 'verifyEntrySignatures'
>;

/** What building the proof of a later member's admission reads. */
export type IntroductionContext = Pick<
  FederationContext,
  'kinds' | 'chains' | 'findCharter' | 'channelChanges'
>;

/** What the replicator to peers uses. */
export type ReplicatorContext = Pick<FederationContext, 'party' | 'signAsNode' | 'peers' | 'onLogChanged'> &
  IntroductionContext;

/** What the witness of peers' checkpoints uses. */
export type WitnessContext = Pick<
  FederationContext,
  'party' | 'nodePublicKey' | 'cosign' | 'chains' | 'peers' | 'evidence'
>;

/** What the link monitor (heartbeats) uses. */
export type LinkMonitorContext = Pick<FederationContext, 'party' | 'signAsNode' | 'peers'>;

/** What pinning a peer uses. */
export type PinContext = Pick<FederationContext, 'party' | 'peers' | 'audit'>;

/** What the federation routes read (identity, peers, this party's chains). */
export type FederationRouteContext = Pick<
  FederationContext,
  'party' | 'partyName' | 'nodePublicKey' | 'fingerprint' | 'chains' | 'peers' | 'audit'
>;
