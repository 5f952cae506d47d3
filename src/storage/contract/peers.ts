/**
 * The peers part of the storage contract: the nodes this node federates with (pinned by node
 * key), the link tests exchanged with them and the equivocation evidence gathered about them.
 */

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

export interface PeerStore {
  /** Adds or replaces a peer. */
  putPeer(peer: Peer): Promise<void>;
  getPeer(party: string): Promise<Peer | null>;
  listPeers(): Promise<Peer[]>;
  recordEquivocation(evidence: EquivocationEvidence): Promise<void>;
  listEquivocations(): Promise<EquivocationEvidence[]>;
  recordLinkTest(test: LinkTest): Promise<void>;
  /** Newest first, at most `limit`. */
  listLinkTests(peer: string, limit: number): Promise<LinkTest[]>;
}
