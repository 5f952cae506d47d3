/**
 * The peers part of the storage contract: the nodes this node federates with (pinned by node
 * key), the link tests exchanged with them and the equivocation evidence gathered about them.
 */
import type { LeaseFence } from './leases.js';

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

/**
 * A node key naming its successor (node/node-key-rotation.ts): signed by the previous key (which
 * peers had pinned) and by the new one (proof that its holder has it).
 */
export interface NodeKeyRotation {
  party: string;
  previousKey: string;
  newKey: string;
  /** When the new key took over (ms); entries dated before it may carry the previous key. */
  at: number;
  previousSignature: string;
  newSignature: string;
}

export interface PeerStore {
  /** Adds or replaces a peer. */
  putPeer(peer: Peer): Promise<void>;
  getPeer(party: string): Promise<Peer | null>;
  listPeers(): Promise<Peer[]>;
  recordEquivocation(evidence: EquivocationEvidence): Promise<void>;
  listEquivocations(): Promise<EquivocationEvidence[]>;
  /** With `fence` (the link-test lease), refused with LeaseLostError once it has moved on. */
  recordLinkTest(test: LinkTest, fence?: LeaseFence): Promise<void>;
  /** Newest first, at most `limit`. */
  listLinkTests(peer: string, limit: number): Promise<LinkTest[]>;
  /** Records a rotation (this node's or a peer's); recording one again changes nothing. */
  putNodeKeyRotation(rotation: NodeKeyRotation): Promise<void>;
  /** Every rotation recorded, by party then time. */
  listNodeKeyRotations(): Promise<NodeKeyRotation[]>;
}
