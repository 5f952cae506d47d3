/**
 * Receives a peer's pushed (or pulled) entries: every entry is checked with the same rules as
 * `parley verify` (canonical form, hash, chain link, seq, kind schema, author key published in
 * that party's chain or the pinned node key, signature) before anything is stored, and only
 * entries of the sender's own chain are accepted. On top of the chain rules, what an entry
 * claims to have seen must be possible (seen-check.ts), its author's office must be one of the
 * sender's party in the charter (office-check.ts), what it names must exist with that hash
 * (entry-references.ts), and it may not be dated too far ahead (incoming-entry.ts). A replayed
 * entry changes nothing; one that conflicts with an entry held at the same position, stored or
 * earlier in the same push, is kept as fork evidence and refused (fork-evidence.ts); a gap, or
 * an entry naming a third party's entry not here yet, stops that chain and the answer tells the
 * sender where to resume. Accepted entries are stored durably before the answer, and this node
 * then signs a `received` receipt in its own chain. A refusal stores nothing of the chain it
 * concerns (a push carrying several channels keeps the chains checked before it).
 *
 * Several processes of one node may receive the same peer's entries at once (pushes through a
 * load balancer, and the pulls of the outbox lease holder). The verifier a process keeps per
 * chain is checked against the committed head before each batch and rebuilt from storage when
 * another process moved it, so its state is never past (or behind) what is committed; a store
 * that lost a race (ChainConflictError, or a channel created meanwhile) is verified again from
 * the committed head, a few times, and only then answered with a retryable 503 (`unavailable`).
 * The `received` receipt has a natural key (channel, party, seq), so two processes never both
 * sign it.
 */
import { verifyChainCheckpoint } from '../core/chain-checkpoint.js';
import { ParleyError } from '../core/errors.js';
import type { CompactRange } from '../core/merkle.js';
import {
  verifiedSignatures,
  type ChainVerifier,
  type NodeKeyHistory,
  type VerifiedSignatures,
} from '../core/verify-chain.js';
import { nodeKeyHistory } from '../node/node-key-rotation.js';
import {
  AlreadyExistsError,
  ChainConflictError,
  type Channel,
  type ChainHead,
  type Peer,
  type StoredEntry,
} from '../storage/storage.js';
import { acceptProposal } from './accept-proposal.js';
import type { ReceiverContext } from './context.js';
import { checkReferences, referencesOf, resolveReferences } from './entry-references.js';
import { checkSamePosition } from './fork-evidence.js';
import { checkTimestamp, readIncoming } from './incoming-entry.js';
import { OfficeCheck } from './office-check.js';
import { resumeVerifier } from './resume-verifier.js';
import { checkSeen } from './seen-check.js';
import type { Witness } from './witness.js';
import type { Introduction, PushResult, WireCheckpoint, WireEntry } from './wire.js';

/** How often a chain is verified again after losing a store to another process of this node. */
const MAX_STORE_RACES = 3;
/** Entries stored by another process that a kept verifier catches up on, before rebuilding instead. */
const CATCH_UP_LIMIT = 2000;
/** Batches with at least this many new entries have their signatures checked in parallel. */
const PARALLEL_VERIFY_MIN = 200;

/** One chain's share of a push: its entries in order, the push's checkpoints, its introduction. */
interface ChainBatch {
  channelId: string;
  list: WireEntry[];
  checkpoints: WireCheckpoint[];
  introduction: Introduction | null;
}

export class EntryReceiver {
  private readonly verifiers = new Map<string, ChainVerifier>();
  /** Each peer's node key history, by party and pinned key: a rotation moves the pin, so the key names it. */
  private readonly keyHistories = new Map<string, NodeKeyHistory>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Called after entries of a channel were stored. */
  onStored: (channel: string, party: string, count: number) => void = () => {};
  /** When each peer's last push was answered (ms since the epoch), so pulls can stand back. */
  private readonly lastPush = new Map<string, number>();

  constructor(
    private readonly context: ReceiverContext,
    private readonly witness: Witness | null = null,
  ) {}

  /**
   * Receives one batch, pushed by the peer or pulled from it (`via`); batches are processed one
   * at a time.
   */
  receive(
    from: Peer,
    entries: WireEntry[],
    checkpoints: WireCheckpoint[],
    { via = 'push', introductions = [] }: { via?: 'push' | 'pull'; introductions?: Introduction[] } = {},
  ): Promise<PushResult> {
    const run = this.queue.then(async () => {
      const result = await this.receiveNow(from, entries, checkpoints, introductions);
      if (via === 'push') this.lastPush.set(from.party, Date.now());
      return result;
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Whether `party` pushed a batch that was stored within the last `withinMs`. */
  pushedRecently(party: string, withinMs: number): boolean {
    return Date.now() - (this.lastPush.get(party) ?? 0) < withinMs;
  }

  private async receiveNow(
    from: Peer,
    entries: WireEntry[],
    checkpoints: WireCheckpoint[],
    introductions: Introduction[],
  ): Promise<PushResult> {
    const foreign = entries.find((e) => e.party !== from.party);
    if (foreign) {
      throw new ParleyError(
        'wrong_chain',
        `${from.party} may only send its own chain; ${foreign.channel}/${foreign.party}/${foreign.seq} is not`,
      );
    }
    const byChannel = new Map<string, WireEntry[]>();
    for (const entry of entries) {
      const list = byChannel.get(entry.channel) ?? [];
      list.push(entry);
      byChannel.set(entry.channel, list);
    }
    const held: Record<string, number> = {};
    for (const [channelId, list] of byChannel) {
      // Stable: entries sent twice for one position stay in the order they were sent.
      list.sort((a, b) => a.seq - b.seq);
      const introduction = introductions.find((i) => i.channel === channelId) ?? null;
      held[channelId] = await this.receiveChain(from, { channelId, list, checkpoints, introduction });
    }
    return { held, cosigned: await this.witnessCheckpoints(from, checkpoints) };
  }

  /**
   * Witnessing: the sender's own checkpoints that match this node's copy are cosigned; the
   * checkpoints it reports of other parties' chains are compared with this node's copies, so a
   * node that showed different histories to different peers is caught.
   */
  private async witnessCheckpoints(from: Peer, checkpoints: WireCheckpoint[]): Promise<WireCheckpoint[]> {
    if (!this.witness) return [];
    const cosigned: WireCheckpoint[] = [];
    for (const item of checkpoints) {
      const channel = await this.context.chains.getChannel(item.channel);
      if (!channel || !(channel.parties[from.party] || channel.observers[from.party])) continue;
      if (item.party === from.party) {
        const note = await this.witness.cosign(item.channel, item.party, item.note);
        if (note) cosigned.push({ channel: item.channel, party: item.party, note });
      } else {
        await this.witness.check(item.channel, item.party, item.note, from.party);
      }
    }
    return cosigned;
  }

  /**
   * Receives one chain's entries; a store lost to another process of this node is verified again
   * from the committed head.
   */
  private async receiveChain(from: Peer, batch: ChainBatch): Promise<number> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.receiveChainOnce(from, batch);
      } catch (error) {
        const raced = error instanceof ChainConflictError || error instanceof AlreadyExistsError;
        if (!raced) throw error;
        if (attempt >= MAX_STORE_RACES) {
          throw new ParleyError(
            'unavailable',
            `other processes of this node kept storing ${batch.channelId}/${from.party} at the same time; retry`,
            1,
          );
        }
      }
    }
  }

  private async receiveChainOnce(
    from: Peer,
    { channelId, list, checkpoints, introduction }: ChainBatch,
  ): Promise<number> {
    const { chains } = this.context;
    // Keyed by the pinned node key too: after a rotation the verifier resumes with the new key.
    const key = `${channelId}\u0000${from.party}\u0000${from.nodePublicKey}`;
    let channel = await chains.getChannel(channelId);
    if (!channel) {
      const nodeKeys = await this.nodeKeysOf(from);
      const proposed = await acceptProposal(this.context, from, nodeKeys, channelId, list, introduction);
      channel = proposed.channel;
      this.verifiers.set(key, proposed.verifier);
      // The rest follows the first entry, now stored; a second entry for seq 0 is a fork like any other.
      list = list.slice(1);
    }
    if (!channel.parties[from.party]) {
      throw new ParleyError('wrong_chain', `${from.party} is not a writing party of channel '${channelId}'`);
    }
    const verifier = await this.verifierAtHead(key, channelId, from);
    let accepted: StoredEntry[];
    try {
      verifier.useVerifiedSignatures(await this.signaturesAhead(list, verifier.state.size));
      accepted = await this.verifyNew(from, channel, list, verifier);
      if (accepted.length > 0) await this.store(from, channel, accepted, verifier, checkpoints);
    } catch (error) {
      // The verifier has moved past entries that were not stored: rebuild it from storage next time.
      this.verifiers.delete(key);
      throw error;
    } finally {
      verifier.useVerifiedSignatures(null);
    }
    if (accepted.length > 0) {
      const last = accepted.at(-1)!;
      this.context.noteSeen(channelId, from.party, last.seq);
      this.onStored(channelId, from.party, accepted.length);
      this.context.notifyChannelChanged(channelId);
      if (channel.state === 'proposed' || accepted.some((e) => e.kind.startsWith('channel-change'))) {
        channel = await this.context.refreshChannelState(channelId);
      }
      // Delivery receipts are not themselves acknowledged, or two nodes would trade them forever.
      if (accepted.some((e) => e.kind !== 'received')) await this.acknowledge(channel, from, last);
    }
    return verifier.state.size;
  }

  /**
   * The signatures of a large batch's new entries, checked on the worker pool before the chain's
   * rules run over them one by one on this thread (catch-up, bulk pushes). A small batch (a
   * single FLASH entry) is checked in line: handing it over would only add latency.
   */
  private async signaturesAhead(list: WireEntry[], size: number): Promise<VerifiedSignatures | null> {
    const fresh = list.filter((wire) => wire.seq >= size);
    if (fresh.length < PARALLEL_VERIFY_MIN) return null;
    return verifiedSignatures(fresh, await this.context.verifyEntrySignatures(fresh));
  }

  /**
   * The chain's verifier standing exactly at the committed head. Another process of this node may
   * have stored entries of the chain since this one last did: the kept verifier catches up on
   * them (they are few, and checked again), or is rebuilt from storage when that fails.
   */
  private async verifierAtHead(key: string, channelId: string, from: Peer): Promise<ChainVerifier> {
    const { chains } = this.context;
    const committed = (await chains.getChainHead(channelId, from.party))?.size ?? 0;
    let verifier = this.verifiers.get(key);
    if (verifier && verifier.state.size < committed && committed - verifier.state.size <= CATCH_UP_LIMIT) {
      const missing = await chains.readChain(channelId, from.party, verifier.state.size, CATCH_UP_LIMIT);
      for (const entry of missing) if (entry.seq < committed) verifier.push(entry);
      if (verifier.failures.length > 0) verifier = undefined;
    }
    if (!verifier || verifier.state.size !== committed) {
      verifier = await resumeVerifier(
        this.context.kinds,
        chains,
        channelId,
        from.party,
        await this.nodeKeysOf(from),
      );
    }
    this.verifiers.set(key, verifier);
    return verifier;
  }

  /**
   * The sender's pinned node key and the keys it replaced: an entry its node signed before a
   * rotation and pushed after it (a receipt not yet delivered when the node stopped) still
   * verifies, as it does in the audit (core/verify-chain.ts `NodeKeyHistory`).
   */
  private async nodeKeysOf(from: Peer): Promise<NodeKeyHistory> {
    const key = `${from.party}\u0000${from.nodePublicKey}`;
    let history = this.keyHistories.get(key);
    if (!history) {
      const rotations = await this.context.peers.listNodeKeyRotations();
      history = nodeKeyHistory(from.party, from.nodePublicKey, rotations);
      this.keyHistories.set(key, history);
    }
    return history;
  }

  /**
   * Verifies the entries that continue the chain, in order, and returns them (not stored yet).
   * Throws on the first that breaks a rule; stops, keeping what came before, at a gap or at an
   * entry that names a third party's entry this node does not hold yet.
   */
  private async verifyNew(
    from: Peer,
    channel: Channel,
    list: WireEntry[],
    verifier: ChainVerifier,
  ): Promise<StoredEntry[]> {
    const accepted: StoredEntry[] = [];
    const offices = new OfficeCheck(this.context, channel, from.party);
    for (const wire of list) {
      const size = verifier.state.size;
      if (wire.seq < size) {
        const first = accepted[0];
        const earlier = first && wire.seq >= first.seq ? accepted[wire.seq - first.seq] : undefined;
        const held = earlier ?? (await this.context.chains.getEntry(wire.channel, wire.party, wire.seq));
        if (held) {
          const published = verifier.state.publishedKeys;
          await checkSamePosition(
            this.context.evidence,
            from,
            wire,
            held,
            published,
            !earlier,
            await this.nodeKeysOf(from),
          );
        }
        continue;
      }
      if (wire.seq > size) break; // a gap: the answer tells the sender to resume at `size`
      const { record, body } = readIncoming(wire, this.context.kinds);
      checkTimestamp(record, this.context.now());
      const resolution = await resolveReferences(
        this.context,
        channel,
        from,
        record,
        referencesOf(record.kind, body),
        accepted,
      );
      if (resolution.wait) break; // resumes here once the entry it names has arrived
      const seenBefore = verifier.state.seen;
      verifier.push(record);
      const failure = verifier.failures[0];
      if (failure)
        throw new ParleyError('entry_invalid', `${failure.entry}: ${failure.rule}: ${failure.message}`);
      await offices.check(record);
      await checkSeen(this.context, channel, record, seenBefore, verifier.state.seen);
      checkReferences(record, resolution.targets);
      accepted.push(record);
    }
    // Timestamps move the clock only once nothing of this chain was refused.
    for (const record of accepted) this.context.observeClock(record.hlc);
    return accepted;
  }

  private async store(
    from: Peer,
    channel: Channel,
    accepted: StoredEntry[],
    verifier: ChainVerifier,
    checkpoints: WireCheckpoint[],
  ): Promise<void> {
    const state = verifier.state;
    const stored = await this.context.chains.getChainHead(channel.id, from.party);
    const head: ChainHead = {
      channel: channel.id,
      party: from.party,
      size: state.size,
      hash: state.hash,
      frontier: state.tree.toHex(),
      checkpoint:
        this.matchingCheckpoint(from, channel.id, checkpoints, state.size, state.tree) ??
        stored?.checkpoint ??
        '',
    };
    await this.context.replicas.appendEntries(accepted, [head]);
  }

  /** The sender's checkpoint when it covers exactly what is now held and its root matches. */
  private matchingCheckpoint(
    from: Peer,
    channelId: string,
    checkpoints: WireCheckpoint[],
    size: number,
    tree: CompactRange,
  ): string | null {
    for (const candidate of checkpoints) {
      if (candidate.channel !== channelId || candidate.party !== from.party) continue;
      try {
        const verified = verifyChainCheckpoint(candidate.note, channelId, from.party, from.nodePublicKey);
        if (verified.size === size && verified.rootHash.equals(tree.root())) return candidate.note;
      } catch {
        // An unverifiable checkpoint is ignored; the entries themselves were verified.
      }
    }
    return null;
  }

  /** Signs a `received` receipt in this party's chain, once this party has joined the channel. */
  private async acknowledge(channel: Channel, from: Peer, last: StoredEntry): Promise<void> {
    if (!channel.parties[this.context.party]) return;
    if (!(await this.context.chains.getChainHead(channel.id, this.context.party))) return;
    try {
      await this.context.signReceived(channel, { party: from.party, seq: last.seq, hash: last.hash });
    } catch (error) {
      // Another process of this node received the same entries and signed the receipt first.
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
}
