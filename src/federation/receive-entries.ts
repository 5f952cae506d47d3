/**
 * Receives a peer's pushed entries: every entry is checked with the same rules as `parley verify`
 * (canonical form, hash, chain link, seq, kind schema, author key published in that party's
 * chain or the pinned node key, signature) before anything is stored, and only entries of the
 * sender's own chain are accepted. A replayed entry changes nothing; an entry that conflicts with
 * a stored one at the same position is kept as fork evidence and refused; a gap stops that chain
 * and the answer tells the sender where to resume. Accepted entries are stored durably before the
 * answer, and this node then signs a `received` receipt in its own chain. An entry timestamped
 * too far ahead of this node's clock is refused, so a peer cannot drag the clock (and every later
 * timestamp of this node) into the future.
 */
import { parseCanonical } from '../core/canonical-json.js';
import { verifyChainCheckpoint } from '../core/chain-checkpoint.js';
import { entryId, verifyEntrySignature, type EntryContent } from '../core/entry.js';
import { sha256Hex } from '../core/hash.js';
import { parseHlc } from '../core/hlc.js';
import type { KindRegistry } from '../core/kinds.js';
import { CompactRange } from '../core/merkle.js';
import { ChainVerifier } from '../core/verify-chain.js';
import { ParleyError } from '../core/errors.js';
import type { ParleyNode } from '../node/parley-node.js';
import type { CharterState } from '../core/charter-changes.js';
import { checkIntroduction, type Introduction } from './introduction.js';
import type { Witness } from './witness.js';
import type { Channel, ChainHead, Peer, StoredEntry } from '../storage/storage.js';
import { refreshChannelState } from '../workflows/channels/commands.js';
import { channelChanges } from '../workflows/channels/queries.js';

export interface WireEntry {
  channel: string;
  party: string;
  seq: number;
  canonical: string;
  sig: string;
}

export interface WireCheckpoint {
  channel: string;
  party: string;
  note: string;
}

/**
 * How far a received entry's timestamp may be ahead of this node's wall clock. The clock moves
 * past every timestamp it sees; unbounded, one entry dated 9999 would push it past the last
 * timestamp that can be written, and every entry this node signs afterwards would be invalid. An
 * honest entry refused because its sender's clock runs fast is accepted on a later retry.
 */
const MAX_HLC_AHEAD_MS = 5 * 60_000;

export interface PushResult {
  /** Per channel: how many entries of the sender's chain this node now holds. */
  held: Record<string, number>;
  /** The sender's checkpoints this node verified against its copy and cosigned as a witness. */
  cosigned: WireCheckpoint[];
}

export class EntryReceiver {
  private readonly verifiers = new Map<string, ChainVerifier>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Called after entries of a channel were stored. */
  onStored: (channel: string, party: string, count: number) => void = () => {};
  /** When each peer's last push was answered (ms since the epoch), so pulls can stand back. */
  private readonly lastPush = new Map<string, number>();

  constructor(
    private readonly node: ParleyNode,
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
      list.sort((a, b) => a.seq - b.seq);
      const introduction = introductions.find((i) => i.channel === channelId) ?? null;
      held[channelId] = await this.receiveChain(from, channelId, list, checkpoints, introduction);
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
      const channel = await this.node.storage.getChannel(item.channel);
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

  private async receiveChain(
    from: Peer,
    channelId: string,
    list: WireEntry[],
    checkpoints: WireCheckpoint[],
    introduction: Introduction | null,
  ): Promise<number> {
    const { storage } = this.node;
    let channel = await storage.getChannel(channelId);
    if (!channel) {
      channel = await this.acceptProposal(from, channelId, list, introduction);
      list = list.filter((e) => e.seq > 0);
    }
    if (!channel.parties[from.party]) {
      throw new ParleyError('wrong_chain', `${from.party} is not a writing party of channel '${channelId}'`);
    }
    const key = `${channelId}\u0000${from.party}`;
    const verifier = this.verifiers.get(key) ?? (await this.resumeVerifier(channelId, from));
    this.verifiers.set(key, verifier);
    const accepted: StoredEntry[] = [];
    for (const wire of list) {
      const size = verifier.state.size;
      if (wire.seq < size) {
        await this.checkDuplicate(from, wire, verifier);
        continue;
      }
      if (wire.seq > size) break; // a gap: the answer tells the sender to resume at `size`
      const record = toStored(wire, this.node.kinds);
      try {
        checkTimestamp(record, this.node.now());
      } catch (error) {
        this.verifiers.delete(key);
        throw error;
      }
      const seenBefore = verifier.state.seen;
      verifier.push(record);
      const failure = verifier.failures[0];
      if (failure) {
        this.verifiers.delete(key);
        throw new ParleyError('entry_invalid', `${failure.entry}: ${failure.rule}: ${failure.message}`);
      }
      try {
        await this.checkSeen(channel, record, seenBefore, verifier.state.seen);
      } catch (error) {
        this.verifiers.delete(key);
        throw error;
      }
      this.node.clock.observe(record.hlc);
      accepted.push(record);
    }
    if (accepted.length > 0) {
      const state = verifier.state;
      const stored = await storage.getChainHead(channelId, from.party);
      const head: ChainHead = {
        channel: channelId,
        party: from.party,
        size: state.size,
        hash: state.hash,
        frontier: state.tree.toHex(),
        checkpoint:
          this.matchingCheckpoint(from, channelId, checkpoints, state.size, state.tree) ??
          stored?.checkpoint ??
          '',
      };
      try {
        await storage.appendEntries(accepted, [head]);
      } catch (error) {
        this.verifiers.delete(key);
        throw error;
      }
      const last = accepted.at(-1)!;
      this.node.appender.noteSeen(channelId, from.party, last.seq);
      this.onStored(channelId, from.party, accepted.length);
      this.node.events.emit(`channel:${channelId}`);
      if (channel.state === 'proposed' || accepted.some((e) => e.kind.startsWith('channel-change'))) {
        channel = await refreshChannelState(this.node, channelId);
      }
      // Delivery receipts are not themselves acknowledged, or two nodes would trade them forever.
      if (accepted.some((e) => e.kind !== 'received')) await this.acknowledge(channel, from, last);
    }
    return verifier.state.size;
  }

  /**
   * What an entry says its author had seen must be possible: entries of writing parties of the
   * channel, and, where this node holds the entry named, one written before (by clock). This
   * node's own chain it holds whole, so an entry of it that does not exist cannot have been seen.
   * Only positions that moved since the previous entry are looked up.
   */
  private async checkSeen(
    channel: Channel,
    record: StoredEntry,
    before: Record<string, number>,
    after: Record<string, number>,
  ): Promise<void> {
    const id = entryId(record.channel, record.party, record.seq);
    for (const [party, position] of Object.entries(after)) {
      if (before[party] === position) continue;
      // A party being added may be seen by one node before the last agreement reaches this one;
      // every party signs such an amendment, so this node holds its proposal.
      if (!channel.parties[party] && !(await this.joining(channel, party))) {
        throw new ParleyError(
          'entry_invalid',
          `${id}: seen_invalid: ${party} writes no chain in '${channel.id}'`,
        );
      }
      const seen = await this.node.storage.getEntry(channel.id, party, position);
      if (!seen && party === this.node.party) {
        throw new ParleyError(
          'entry_invalid',
          `${id}: seen_invalid: names ${party}/${position}, which ${party} has not written`,
        );
      }
      if (seen && seen.hlc >= record.hlc) {
        throw new ParleyError(
          'entry_invalid',
          `${id}: seen_invalid: names ${party}/${position}, written after it (${seen.hlc})`,
        );
      }
    }
  }

  private async joining(channel: Channel, party: string): Promise<boolean> {
    return (await channelChanges(this.node, channel)).list.some((change) => change.charter?.parties?.[party]);
  }

  /**
   * An unknown channel is accepted from the sender's chain beginning at its first entry: either
   * the charter, naming this party, or, for a party or observer added later, any first entry
   * with an introduction that proves every party agreed to add it.
   */
  private async acceptProposal(
    from: Peer,
    channelId: string,
    list: WireEntry[],
    introduction: Introduction | null,
  ): Promise<Channel> {
    const first = list[0];
    if (!first || first.seq !== 0) {
      throw new ParleyError(
        'channel_not_found',
        `channel '${channelId}' is unknown here; send its charter first`,
      );
    }
    const verifier = new ChainVerifier(this.node.kinds, channelId, from.party, from.nodePublicKey);
    const record = toStored(first, this.node.kinds);
    checkTimestamp(record, this.node.now());
    verifier.push(record);
    if (verifier.failures[0]) {
      const failure = verifier.failures[0];
      throw new ParleyError('entry_invalid', `${failure.entry}: ${failure.rule}: ${failure.message}`);
    }
    const own = this.node.party;
    const content = parseCanonical(first.canonical) as unknown as EntryContent;
    let name: string;
    let charter: Pick<CharterState, 'languages' | 'parties' | 'observers'>;
    const founding =
      content.kind === 'charter' ? (content.body as unknown as CharterState & { name: string }) : null;
    if (founding && (founding.parties[own] || founding.observers[own])) {
      name = founding.name;
      charter = founding;
    } else if (introduction) {
      const peers = new Map((await this.node.storage.listPeers()).map((p) => [p.party, p.nodePublicKey]));
      const introduced = checkIntroduction(
        this.node.kinds,
        channelId,
        introduction,
        own,
        (party) => peers.get(party) ?? null,
      );
      name = introduced.name;
      charter = introduced.charter;
    } else if (founding) {
      throw new ParleyError('forbidden', `the charter of '${channelId}' does not name ${own}`);
    } else {
      throw new ParleyError('channel_not_found', `channel '${channelId}' must begin with a charter`);
    }
    if (!charter.parties[from.party])
      throw new ParleyError('wrong_chain', `${from.party} is not a writing party of channel '${channelId}'`);
    const channel: Channel = {
      id: channelId,
      name,
      offices: Object.values(charter.parties).flat(),
      languages: charter.languages,
      parties: charter.parties,
      observers: charter.observers,
      state: 'proposed',
      createdAt: Date.now(),
    };
    const state = verifier.state;
    await this.node.storage.createChannel(channel, [record], {
      channel: channelId,
      party: from.party,
      size: 1,
      hash: state.hash,
      frontier: state.tree.toHex(),
      checkpoint: '',
    });
    this.verifiers.set(`${channelId}\u0000${from.party}`, verifier);
    this.node.events.emit('channel-created', channelId);
    return channel;
  }

  /**
   * A re-sent entry must be byte-identical to the stored one. A different one is a fork, kept as
   * evidence, only when it is evidence: signed for this very position with the sender's node key
   * or a key it published in this chain. Anything else proves nothing and is refused as invalid.
   */
  private async checkDuplicate(from: Peer, wire: WireEntry, verifier: ChainVerifier): Promise<void> {
    const stored = await this.node.storage.getEntry(wire.channel, wire.party, wire.seq);
    const hash = sha256Hex(wire.canonical);
    if (!stored || stored.hash === hash) return;
    const id = entryId(wire.channel, wire.party, wire.seq);
    let content: EntryContent;
    try {
      content = parseCanonical(wire.canonical) as unknown as EntryContent;
      if (!content || typeof content !== 'object' || Array.isArray(content)) throw new Error('not an object');
    } catch {
      throw new ParleyError('entry_invalid', `${id}: canonical_form`);
    }
    if (content.channel !== wire.channel || content.party !== wire.party || content.seq !== wire.seq) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: field_mismatch: the entry is signed for another position`,
      );
    }
    const authorKey = String(content.authorKey);
    const published = verifier.state.publishedKeys.get(String(content.author));
    if (authorKey !== from.nodePublicKey && !published?.has(authorKey)) {
      throw new ParleyError('entry_invalid', `${id}: author_key_unknown: not a key ${from.party} published`);
    }
    if (!verifyEntrySignature(wire.canonical, authorKey, wire.sig)) {
      throw new ParleyError('entry_invalid', `${id}: signature_invalid`);
    }
    await this.node.storage.recordFork({
      channel: wire.channel,
      party: wire.party,
      seq: wire.seq,
      storedHash: stored.hash,
      conflictingCanonical: wire.canonical,
      conflictingSig: wire.sig,
      reportedBy: from.party,
      at: Date.now(),
    });
    throw new ParleyError(
      'fork_detected',
      `${wire.channel}/${wire.party}/${wire.seq} differs from the entry already held at that position; kept as evidence`,
    );
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
    if (!channel.parties[this.node.party]) return;
    if (!(await this.node.storage.getChainHead(channel.id, this.node.party))) return;
    await this.node.appendNodeEntry(channel, 'received', {
      of: { party: from.party, seq: last.seq, hash: last.hash },
    });
  }

  private async resumeVerifier(channelId: string, from: Peer): Promise<ChainVerifier> {
    const head = await this.node.storage.getChainHead(channelId, from.party);
    const publishedKeys = new Map<string, Set<string>>();
    let last: StoredEntry | undefined;
    if (head) {
      for (let seq = 0; seq < head.size;) {
        const page = await this.node.storage.readChain(channelId, from.party, seq, 5000);
        if (page.length === 0) break;
        for (const entry of page) {
          if (entry.kind !== 'principal-key') continue;
          const body = (parseCanonical(entry.canonical) as unknown as EntryContent).body as {
            principal: string;
            publicKey: string;
          };
          const keys = publishedKeys.get(body.principal) ?? new Set<string>();
          keys.add(body.publicKey);
          publishedKeys.set(body.principal, keys);
        }
        last = page.at(-1)!;
        seq = last.seq + 1;
      }
    }
    return ChainVerifier.resume(this.node.kinds, channelId, from.party, from.nodePublicKey, {
      size: head?.size ?? 0,
      hash: head?.hash ?? null,
      tree: head ? CompactRange.fromHex(head.size, head.frontier) : CompactRange.empty(),
      publishedKeys,
      seen: last ? (parseCanonical(last.canonical) as unknown as EntryContent).seen : {},
    });
  }
}

/** Refuses an entry whose timestamp is further ahead of this node's clock than MAX_HLC_AHEAD_MS. */
function checkTimestamp(record: StoredEntry, now: number): void {
  const timestamp = parseHlc(record.hlc);
  if (timestamp && timestamp.wall > now + MAX_HLC_AHEAD_MS) {
    throw new ParleyError(
      'entry_invalid',
      `${entryId(record.channel, record.party, record.seq)}: hlc_ahead: timestamp ${record.hlc} is ahead of this node's clock`,
    );
  }
}

/**
 * The stored form of a received entry. Fields are read with a plain parse; whether the text is
 * canonical and agrees with them is the verifier's job, which runs before anything is stored.
 */
function toStored(wire: WireEntry, kinds: KindRegistry): StoredEntry {
  let content: Partial<EntryContent> = {};
  try {
    const parsed: unknown = JSON.parse(wire.canonical);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      content = parsed as Partial<EntryContent>;
  } catch {
    // Left empty: the verifier reports canonical_form.
  }
  const kind = typeof content.kind === 'string' ? content.kind : '';
  let ref: string | null = null;
  try {
    ref = kinds.get(kind)?.ref(content.body) ?? null;
  } catch {
    ref = null;
  }
  return {
    channel: wire.channel,
    party: wire.party,
    seq: wire.seq,
    hash: sha256Hex(wire.canonical),
    canonical: wire.canonical,
    sig: wire.sig,
    kind,
    author: typeof content.author === 'string' ? content.author : '',
    precedence: content.precedence ?? 'ROUTINE',
    hlc: typeof content.hlc === 'string' ? content.hlc : '',
    ref,
    storedAt: Date.now(),
  };
}
