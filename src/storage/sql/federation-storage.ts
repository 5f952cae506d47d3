/**
 * What federation keeps in shared SQL: leases (contract/leases.ts), replication watermarks,
 * witnessed roots and cosignatures, fork and equivocation evidence, peers, link tests and node
 * key rotations (contract/peers.ts, contract/log.ts).
 */
import {
  equivocationValues,
  forkValues,
  peerValues,
  toEquivocation,
  toFork,
  toLease,
  toLinkTest,
  toPeer,
  type EquivocationRow,
  type ForkRow,
  type LeaseRow,
  type LinkTestRow,
  type PeerRow,
} from '../rows.js';
import type {
  EquivocationEvidence,
  ForkEvidence,
  LatestCosignature,
  Lease,
  LeaseFence,
  LinkTest,
  NodeKeyRotation,
  Peer,
  Storage,
} from '../storage.js';
import { SqlAlertingStorage } from './alerting-storage.js';
import { Q } from './statements.js';

/** Leases, replication, witnessing and peers. */
export abstract class SqlFederationStorage extends SqlAlertingStorage {
  // Leases (contract/leases.ts).

  async acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<Lease | null> {
    if (holder === '') throw new Error('a lease holder needs a name');
    const row = await this.one<LeaseRow>(Q.acquireLease, [name, holder, now, now + ttlMs]);
    return row ? toLease(row) : null;
  }

  async releaseLease(fence: LeaseFence): Promise<boolean> {
    return (await this.run(Q.releaseLease, [fence.name, fence.holder, fence.epoch])) > 0;
  }

  async getLease(name: string): Promise<Lease | null> {
    const row = await this.one<LeaseRow>(Q.getLease, [name]);
    return row ? toLease(row) : null;
  }

  async listLeases(): Promise<Lease[]> {
    return (await this.rows<LeaseRow>(Q.listLeases)).map(toLease);
  }

  // Witnesses and replication.

  async getReplication(peer: string): Promise<Map<string, number>> {
    const rows = await this.rows<{ channel: string; acked_size: number }>(Q.getReplication, [peer]);
    return new Map(rows.map((r) => [r.channel, r.acked_size]));
  }

  async setReplication(peer: string, channel: string, ackedSize: number, fence?: LeaseFence): Promise<void> {
    await this.write(Q.setReplication, [peer, channel, ackedSize], fence);
  }

  async recordFork(evidence: ForkEvidence): Promise<void> {
    await this.run(Q.recordFork, forkValues(evidence));
  }

  async listForks(): Promise<ForkEvidence[]> {
    return (await this.rows<ForkRow>(Q.listForks)).map(toFork);
  }

  async recordWitnessed(
    ...[channel, party, size, root, at, fence]: Parameters<Storage['recordWitnessed']>
  ): Promise<string | null> {
    // Rows are never deleted, so insert-or-read is race-free without an explicit lock.
    if ((await this.write(Q.insertWitnessed, [channel, party, size, root, at], fence)) === 1) return null;
    const existing = await this.one<{ root: string }>(Q.getWitnessed, [channel, party, size]);
    return existing && existing.root !== root ? existing.root : null;
  }

  /** The arguments are the statement's values, in order: channel, party, size, witness, note, at. */
  async putCosignature(...values: Parameters<Storage['putCosignature']>): Promise<void> {
    await this.run(Q.putCosignature, values);
  }

  async latestCosignatures(channel: string, party: string): Promise<LatestCosignature[]> {
    return this.rows<LatestCosignature>(Q.latestCosignatures, [channel, party]);
  }

  // Peers.

  async putPeer(peer: Peer): Promise<void> {
    await this.run(Q.putPeer, peerValues(peer));
  }

  async getPeer(party: string): Promise<Peer | null> {
    const row = await this.one<PeerRow>(Q.getPeer, [party]);
    return row ? toPeer(row) : null;
  }

  async listPeers(): Promise<Peer[]> {
    return (await this.rows<PeerRow>(Q.listPeers)).map(toPeer);
  }

  async recordEquivocation(evidence: EquivocationEvidence): Promise<void> {
    await this.run(Q.recordEquivocation, equivocationValues(evidence));
  }

  async listEquivocations(): Promise<EquivocationEvidence[]> {
    return (await this.rows<EquivocationRow>(Q.listEquivocations)).map(toEquivocation);
  }

  async recordLinkTest(t: LinkTest, fence?: LeaseFence): Promise<void> {
    await this.write(Q.recordLinkTest, [t.peer, t.at, this.flag(t.ok), t.rttMs, t.error], fence);
  }

  async listLinkTests(peer: string, limit: number): Promise<LinkTest[]> {
    if (limit <= 0) return [];
    return (await this.rows<LinkTestRow>(Q.listLinkTests, [peer, limit])).map(toLinkTest);
  }

  async putNodeKeyRotation(r: NodeKeyRotation): Promise<void> {
    await this.run(Q.putNodeKeyRotation, [
      r.party,
      r.previousKey,
      r.newKey,
      r.at,
      r.previousSignature,
      r.newSignature,
    ]);
  }

  async listNodeKeyRotations(): Promise<NodeKeyRotation[]> {
    const rows = await this.rows<{
      party: string;
      previous_key: string;
      new_key: string;
      at: number | string;
      previous_signature: string;
      new_signature: string;
    }>(Q.listNodeKeyRotations);
    return rows.map((row) => ({
      party: row.party,
      previousKey: row.previous_key,
      newKey: row.new_key,
      at: Number(row.at),
      previousSignature: row.previous_signature,
      newSignature: row.new_signature,
    }));
  }
}
