/**
 * Witnessing (DESIGN.md, "The log"). Every node checks the checkpoints other nodes sign against
 * the entries it holds and verified itself:
 *
 * - a checkpoint of a peer's chain that matches this node's copy is cosigned (C2SP
 *   tlog-cosignature), and never two different roots for one size;
 * - any validly signed checkpoint that contradicts the verified entries of the same chain, or a
 *   checkpoint of the same size already seen with another root, is equivocation: both signed
 *   notes are kept as portable evidence, logged, shown to operators and reported by verify.
 *
 * Since the witness holds the whole chain, it checks consistency directly against the Merkle
 * roots of the entries rather than through a consistency proof from the peer.
 *
 * With several processes of one node, only the process holding the `witness` lease cosigns
 * (node/leases.ts), recording each witnessed root under the lease's fence; the others still
 * check every checkpoint for equivocation, and a peer gets its cosignatures from whichever of
 * its pushes reaches the holder.
 */
import { parseCheckpoint } from '../core/checkpoint.js';
import { nodeKeyName, verifyChainCheckpoint } from '../core/chain-checkpoint.js';
import { CompactRange, leafHash } from '../core/merkle.js';
import { openNote } from '../core/signed-note.js';
import type { LeaseHolder } from '../node/leases.js';
import { LeaseLostError } from '../storage/storage.js';
import type { WitnessContext } from './context.js';

/** The lease of cosigning when several processes share the node. */
export const WITNESS_LEASE = 'witness';

export type CheckpointCheck = 'consistent' | 'ahead' | 'equivocation' | 'unverifiable';

/** How many entries a witness reads at once to recompute an older root; larger gaps are left unchecked. */
const MAX_RECOMPUTE = 200_000;

/** Chains whose recomputed trees are kept (a few bytes each: one hash per level). */
const TREE_CACHE_LIMIT = 10_000;
/** Trees kept per chain: peers report different sizes of one chain, each growing on its own. */
const TREES_PER_CHAIN = 4;

/** Checks already made, so a peer repeating old checkpoints cannot make this node re-read chains. */
const CHECK_CACHE_LIMIT = 10_000;

export class Witness {
  private readonly checked = new Map<string, CheckpointCheck>();
  /**
   * Per chain, the Merkle tree of its first entries as last recomputed. Checkpoints arrive with
   * growing sizes (a peer reports the latest it holds on every exchange), so the next root is
   * the cached tree extended by the entries since, not a re-read of the whole chain.
   */
  private readonly trees = new Map<string, CompactRange[]>();

  /** Called with a description whenever equivocation is found. */
  onEquivocation: (channel: string, party: string, detail: string) => void = () => {};

  /** Cosigns only while this process holds WITNESS_LEASE (set by a server with leases). */
  leases: LeaseHolder | null = null;

  constructor(private readonly context: WitnessContext) {}

  /**
   * Checks a checkpoint note of `party`'s chain against this node's copy. Records equivocation
   * evidence when the signed root contradicts the verified entries.
   */
  async check(channel: string, party: string, note: string, reportedBy: string): Promise<CheckpointCheck> {
    const cacheKey = `${channel}\u0000${party}\u0000${note}`;
    const cached = this.checked.get(cacheKey);
    if (cached === 'consistent' || cached === 'equivocation') return cached;
    const result = await this.checkNow(channel, party, note, reportedBy);
    if (this.checked.size > CHECK_CACHE_LIMIT) this.checked.clear();
    this.checked.set(cacheKey, result);
    return result;
  }

  private async checkNow(
    channel: string,
    party: string,
    note: string,
    reportedBy: string,
  ): Promise<CheckpointCheck> {
    const key = await this.nodeKeyOf(party);
    if (!key) return 'unverifiable';
    let claimed: { size: number; rootHash: Buffer };
    try {
      claimed = verifyChainCheckpoint(note, channel, party, key);
    } catch {
      return 'unverifiable';
    }
    const head = await this.context.chains.getChainHead(channel, party);
    if (!head || claimed.size > head.size) return 'ahead';
    const root =
      claimed.size === head.size
        ? CompactRange.fromHex(head.size, head.frontier).root()
        : await this.rootAt(channel, party, claimed.size);
    if (!root) return 'unverifiable';
    if (root.equals(claimed.rootHash)) return 'consistent';
    const detail =
      `${nodeKeyName(party)} signed a checkpoint of ${channel}/${party} at size ${claimed.size} whose root ` +
      `differs from the root of the ${claimed.size} verified entries this node holds (reported by ${reportedBy})`;
    await this.equivocation(channel, party, note, head.checkpoint, detail, reportedBy);
    return 'equivocation';
  }

  /** Records two signed notes that cannot both be true, and tells whoever watches. */
  private async equivocation(
    channel: string,
    party: string,
    noteA: string,
    noteB: string,
    detail: string,
    reportedBy: string,
  ): Promise<void> {
    await this.context.evidence.recordEquivocation({
      channel,
      party,
      noteA,
      noteB,
      detail,
      reportedBy,
      at: Date.now(),
    });
    this.onEquivocation(channel, party, detail);
  }

  /**
   * Cosigns a peer's checkpoint that matches this node's copy exactly. Returns the cosigned note,
   * or null when it must not be cosigned (it does not match, or another root was cosigned at this
   * size, which is recorded as equivocation).
   */
  async cosign(channel: string, party: string, note: string): Promise<string | null> {
    const fence = this.leases?.fence(WITNESS_LEASE) ?? null;
    if ((await this.check(channel, party, note, this.context.party)) !== 'consistent') return null;
    if (this.leases && !fence) return null; // cosigning is the lease holder's work
    const text = openNote(note, []).text;
    const { size, rootHash } = parseCheckpoint(text);
    const head = await this.context.chains.getChainHead(channel, party);
    if (!head || head.size !== size) return null;
    let conflicting: string | null;
    try {
      conflicting = await this.context.evidence.recordWitnessed(
        channel,
        party,
        size,
        rootHash.toString('hex'),
        Date.now(),
        fence ?? undefined,
      );
    } catch (error) {
      if (error instanceof LeaseLostError) return null;
      throw error;
    }
    if (conflicting !== null) {
      const detail = `asked to cosign root ${rootHash.toString('hex')} for ${channel}/${party} at size ${size}, but root ${conflicting} was cosigned at that size before`;
      await this.equivocation(channel, party, note, head.checkpoint, detail, this.context.party);
      return null;
    }
    return this.context.cosign(note);
  }

  private async nodeKeyOf(party: string): Promise<string | null> {
    if (party === this.context.party) return this.context.nodePublicKey;
    return (await this.context.peers.getPeer(party))?.nodePublicKey ?? null;
  }

  private async rootAt(channel: string, party: string, size: number): Promise<Buffer | null> {
    const key = `${channel}\u0000${party}`;
    const kept = this.trees.get(key) ?? [];
    // The largest kept tree that does not go past `size`, extended from there.
    const start = kept.filter((t) => t.size <= size).sort((a, b) => b.size - a.size)[0];
    const tree = start ? start.clone() : CompactRange.empty();
    if (size - tree.size > MAX_RECOMPUTE) return null;
    for (let from = tree.size; from < size;) {
      const page = await this.context.chains.readChain(channel, party, from, Math.min(5000, size - from));
      if (page.length === 0) return null;
      for (const entry of page) tree.append(leafHash(entry.canonical));
      from = page.at(-1)!.seq + 1;
    }
    if (this.trees.size > TREE_CACHE_LIMIT) this.trees.clear();
    this.trees.set(key, [tree.clone(), ...kept.filter((t) => t !== start)].slice(0, TREES_PER_CHAIN));
    return tree.root();
  }
}
