/**
 * Store-and-forward replication to every peer. The outbox is durable without a queue of its
 * own: for each peer and channel, storage keeps how much of this party's chain the peer has
 * confirmed holding, and everything past it is pending. A loop per peer pushes pending entries in
 * batches (with this party's latest signed checkpoints), records what the peer answers it holds,
 * pulls the peer's own chains from where this node's copy ends (backfill after either side was
 * down), and retries failures with exponential back-off and jitter. Delivery is idempotent, so a
 * batch that was stored but whose answer was lost is simply sent again. A push or pull that
 * moved nothing forward (the peer holds back an entry until what it names has reached it) counts
 * as idle, so the loop waits for its next poll instead of sending the same batch at once.
 *
 * With several processes of one node, each peer's loop runs only in the process holding that
 * peer's outbox lease (`outbox:<party>`, node/leases.ts), and the watermarks it records carry the
 * lease's fence, so a process that lost the lease can no longer move them.
 */
import { witnessKeyName } from '../core/chain-checkpoint.js';
import type { LeaseHolder } from '../node/leases.js';
import { parseCheckpoint } from '../core/checkpoint.js';
import { SIG_TYPE_COSIGNATURE_V1, openNote } from '../core/signed-note.js';
import type { Channel, LeaseFence, Peer, StoredEntry } from '../storage/storage.js';
import type { ReplicatorContext } from './context.js';
import { FederationClient, PeerRequestError } from './federation-client.js';
import { buildIntroduction } from './introduction.js';
import type { EntryReceiver } from './receive-entries.js';
import {
  FEDERATION_PATHS,
  type ChainPage,
  type Introduction,
  type PushRequest,
  type PushResult,
  type WireCheckpoint,
  type WireEntry,
} from './wire.js';

export interface ReplicatorOptions {
  batchSize?: number;
  /** First retry delay; doubles per consecutive failure up to maxDelayMs, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often an idle loop looks for work it was not told about (and pulls). */
  idlePollMs?: number;
  /** Runs each peer's loop only while this process holds the peer's outbox lease. */
  leases?: LeaseHolder;
}

/** The lease of the outbox to one peer. */
export function outboxLease(party: string): string {
  return `outbox:${party}`;
}

export type LinkStatus = 'up' | 'degraded' | 'down' | 'unknown';

export interface LinkState {
  party: string;
  status: LinkStatus;
  /** When the current status began (ms since the epoch). */
  since: number;
  lastSuccess: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** Round-trip time of the last successful exchange, ms. */
  rttMs: number | null;
  pushed: number;
  pulled: number;
}

class PeerLoop {
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  running = true;
  readonly link: LinkState;
  /**
   * Per channel, the size of this party's chain whose checkpoint the peer cosigned. A loop starts
   * afresh when the peer's key is moved, so a cosignature refused under the old pin is asked for
   * again.
   */
  readonly witnessedSize = new Map<string, number>();
  /**
   * Per channel, the checkpoint offered alone and not (yet) cosigned: its size, when it was last
   * offered and how many times, so an offer lost or refused (the peer busy, its witness lease
   * changing hands) is made again, less and less often, instead of waiting for the next entry.
   */
  readonly offered = new Map<string, { size: number; at: number; times: number }>();

  constructor(
    readonly peer: Peer,
    private readonly replicator: Replicator,
    /** The outbox lease this loop runs under, when leases are in use. */
    readonly fence: LeaseFence | null = null,
  ) {
    this.link = {
      party: peer.party,
      status: 'unknown',
      since: Date.now(),
      lastSuccess: null,
      lastError: null,
      consecutiveFailures: 0,
      rttMs: null,
      pushed: 0,
      pulled: 0,
    };
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  async run(): Promise<void> {
    let pullDue = true;
    while (this.running) {
      try {
        const started = performance.now();
        const pushed: boolean = await this.replicator.pushOnce(this.peer, this);
        // Pulling is backfill: while the peer's own pushes keep arriving they carry its chains,
        // and pulling the same entries beside them would only double the work on both nodes.
        const pull: boolean = pullDue && !this.replicator.peerIsPushing(this.peer);
        const pulled: boolean = pull ? await this.replicator.pullOnce(this.peer, this) : false;
        pullDue = pulled;
        this.succeeded(performance.now() - started, pushed || pulled);
        if (pushed || pulled) continue;
        await this.sleep(this.replicator.idlePollMs);
        pullDue = true;
      } catch (error) {
        this.failed(error);
        pullDue = true;
        await this.sleep(this.replicator.retryDelay(this.link.consecutiveFailures));
      }
    }
  }

  private succeeded(rttMs: number, didWork: boolean): void {
    if (this.link.status !== 'up') {
      this.link.status = 'up';
      this.link.since = Date.now();
    }
    this.link.lastSuccess = Date.now();
    this.link.consecutiveFailures = 0;
    if (didWork || this.link.rttMs === null) this.link.rttMs = rttMs;
  }

  private failed(error: unknown): void {
    this.link.consecutiveFailures += 1;
    this.link.lastError = error instanceof Error ? error.message : String(error);
    const status: LinkStatus = this.link.consecutiveFailures >= 3 ? 'down' : 'degraded';
    if (this.link.status !== status && !(this.link.status === 'down' && status === 'degraded')) {
      this.link.status = status;
      this.link.since = Date.now();
    }
    this.replicator.log('warn', `replication to ${this.peer.party} failed: ${this.link.lastError}`);
  }

  private sleep(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // Whichever ends the sleep, the waker goes with it: a stale one left behind by the timer
      // would swallow the next wake() (clearing pendingWake) while the loop is busy.
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = () => {
        this.pendingWake = false;
        done();
      };
    });
  }
}

export class Replicator {
  private readonly loops = new Map<string, PeerLoop>();
  private readonly client: FederationClient;
  readonly batchSize: number;
  readonly idlePollMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly leases: LeaseHolder | null;
  /** Per peer, the function that gives its outbox lease up (when leases are in use). */
  private readonly held = new Map<string, () => Promise<void>>();
  /** Per peer, the newest details read from storage. */
  private readonly known = new Map<string, Peer>();
  private stopListening: (() => void) | null = null;
  log: (level: 'warn' | 'info', message: string) => void = () => {};

  constructor(
    private readonly context: ReplicatorContext,
    private readonly receiver: EntryReceiver,
    options: ReplicatorOptions = {},
  ) {
    this.client = new FederationClient({ party: context.party, sign: context.signAsNode });
    this.batchSize = options.batchSize ?? 1000;
    this.idlePollMs = options.idlePollMs ?? 5000;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.leases = options.leases ?? null;
  }

  private peerWatch: NodeJS.Timeout | null = null;

  /**
   * Starts a loop per known peer and wakes them whenever this node commits. Peers added later
   * (by `parley peer add` beside the running node) are picked up within idlePollMs.
   */
  async start(): Promise<void> {
    await this.refreshPeers();
    this.stopListening ??= this.context.onLogChanged(() => this.kick());
    this.peerWatch = setInterval(() => void this.refreshPeers().catch(() => {}), this.idlePollMs);
    this.peerWatch.unref();
  }

  /** Per peer, how often its details were given to ensureLoop directly (a pin moved, a peer added). */
  private readonly directChanges = new Map<string, number>();

  private async refreshPeers(): Promise<void> {
    const before = new Map(this.directChanges);
    const peers = await this.context.peers.listPeers();
    for (const peer of peers) {
      // Read before its pin moved meanwhile: this row would restart the loop with the old key.
      if ((this.directChanges.get(peer.party) ?? 0) !== (before.get(peer.party) ?? 0)) continue;
      this.startOrKeep(peer);
    }
  }

  /**
   * Starts (or restarts with new details) the loop of a peer added while running; with leases,
   * once this process holds the peer's outbox lease.
   */
  ensureLoop(peer: Peer): void {
    this.directChanges.set(peer.party, (this.directChanges.get(peer.party) ?? 0) + 1);
    this.startOrKeep(peer);
  }

  private startOrKeep(peer: Peer): void {
    this.known.set(peer.party, peer);
    const leases = this.leases;
    if (leases && !this.held.has(peer.party)) {
      this.held.set(
        peer.party,
        leases.hold(outboxLease(peer.party), {
          start: (fence) => this.startLoop(this.known.get(peer.party) ?? peer, fence),
          stop: () => this.stopLoop(peer.party),
        }),
      );
      return;
    }
    const existing = this.loops.get(peer.party);
    if (leases && !existing) return; // the lease is another process's
    this.startLoop(peer, existing?.fence ?? null);
  }

  private startLoop(peer: Peer, fence: LeaseFence | null): void {
    const existing = this.loops.get(peer.party);
    if (
      existing &&
      existing.fence?.epoch === fence?.epoch &&
      existing.peer.url === peer.url &&
      existing.peer.nodePublicKey === peer.nodePublicKey
    )
      return;
    if (existing) existing.running = false;
    const loop = new PeerLoop(peer, this, fence);
    this.loops.set(peer.party, loop);
    void loop.run();
  }

  private stopLoop(party: string): void {
    const loop = this.loops.get(party);
    if (!loop) return;
    loop.running = false;
    loop.wake();
    this.loops.delete(party);
  }

  stop(): void {
    if (this.peerWatch) clearInterval(this.peerWatch);
    this.stopListening?.();
    this.stopListening = null;
    for (const release of this.held.values()) void release();
    this.held.clear();
    for (const party of [...this.loops.keys()]) this.stopLoop(party);
  }

  kick(): void {
    for (const loop of this.loops.values()) loop.wake();
  }

  /**
   * `party` just wrote to this node (a push, or the heartbeat it sends when it starts:
   * heartbeat.ts `announceStart`), so it is reachable again: a loop waiting out its back-off
   * after failures tries at once, instead of up to maxDelayMs later. A healthy loop is left
   * alone: it is woken by commits already.
   */
  peerHeard(party: string): void {
    const loop = this.loops.get(party);
    if (loop && loop.link.consecutiveFailures > 0) loop.wake();
  }

  links(): LinkState[] {
    return [...this.loops.values()].map((loop) => ({ ...loop.link }));
  }

  peerIsPushing(peer: Peer): boolean {
    return this.receiver.pushedRecently(peer.party, this.idlePollMs);
  }

  retryDelay(failures: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(failures - 1, 20));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** Channels this node shares with a peer: the peer writes or observes, and this party has a chain. */
  private async sharedChannels(peer: Peer): Promise<Channel[]> {
    return (await this.context.chains.listChannels()).filter(
      (c) => (c.parties[peer.party] || c.observers[peer.party]) && c.parties[this.context.party],
    );
  }

  /** Pushes one batch of pending entries; false when nothing was pending or nothing moved. */
  async pushOnce(peer: Peer, loop: PeerLoop): Promise<boolean> {
    const own = this.context.party;
    const acked = await this.context.peers.getReplication(peer.party);
    const entries: WireEntry[] = [];
    const checkpoints: WireCheckpoint[] = [];
    const introductions: Introduction[] = [];
    const unwitnessed: Array<WireCheckpoint & { size: number }> = [];
    for (const channel of await this.sharedChannels(peer)) {
      const head = await this.context.chains.getChainHead(channel.id, own);
      if (!head) continue;
      const from = acked.get(channel.id) ?? 0;
      const room = this.batchSize - entries.length;
      if (from >= head.size) {
        if (head.checkpoint !== '' && this.offerDue(loop, channel.id, head.size)) {
          unwitnessed.push({ channel: channel.id, party: own, note: head.checkpoint, size: head.size });
        }
        continue;
      }
      if (room <= 0) continue;
      const page = await this.context.chains.readChain(
        channel.id,
        own,
        from,
        Math.min(room, head.size - from),
      );
      entries.push(...page.map(toWire));
      // A peer that joined the channel later needs the proof of it with the first entries.
      if (from === 0) {
        const introduction = await buildIntroduction(this.context, channel, peer.party);
        if (introduction) introductions.push(introduction);
      }
      // This party's checkpoint, for the peer to witness, and every other chain's checkpoint this
      // node holds, so the peer can compare what each node was shown (equivocation detection).
      for (const held of await this.context.chains.listChainHeads(channel.id)) {
        if (held.checkpoint !== '' && held.party !== peer.party) {
          checkpoints.push({ channel: channel.id, party: held.party, note: held.checkpoint });
        }
      }
    }
    if (entries.length === 0) {
      await this.offerCheckpoints(peer, loop, unwitnessed);
      return false;
    }
    const batch: PushRequest = {
      entries,
      checkpoints,
      ...(introductions.length > 0 ? { introductions } : {}),
    };
    const result = await this.client.request<Partial<PushResult>>(
      peer,
      'POST',
      FEDERATION_PATHS.entries,
      batch,
    );
    await this.storeCosignatures(peer, loop, result.cosigned ?? []);
    let moved = false;
    for (const [channel, held] of Object.entries(result.held ?? {})) {
      if (!Number.isSafeInteger(held) || held < 0) continue;
      if (held > (acked.get(channel) ?? 0)) moved = true;
      await this.context.peers.setReplication(peer.party, channel, held, loop.fence ?? undefined);
    }
    loop.link.pushed += entries.length;
    return moved;
  }

  /**
   * Whether this party's checkpoint at `size` is to be offered alone: not cosigned yet, and not
   * offered in the last idle poll, doubling the wait with each offer the peer left unanswered
   * (up to 64 polls) so a peer that will not cosign is not asked on every round.
   */
  private offerDue(loop: PeerLoop, channel: string, size: number): boolean {
    if ((loop.witnessedSize.get(channel) ?? 0) >= size) return false;
    const last = loop.offered.get(channel);
    if (!last || last.size !== size) return true;
    return Date.now() - last.at >= this.idlePollMs * 2 ** Math.min(last.times - 1, 6);
  }

  /**
   * With nothing to push, offers the peer this party's checkpoints it holds every entry of but has
   * not cosigned: a cosignature lost with an answer, or refused while the peer still pinned a
   * rotated key, would otherwise wait for the next entry.
   */
  private async offerCheckpoints(
    peer: Peer,
    loop: PeerLoop,
    unwitnessed: Array<WireCheckpoint & { size: number }>,
  ): Promise<void> {
    const offered = unwitnessed.slice(0, 1000);
    if (offered.length === 0) return;
    const now = Date.now();
    for (const { channel, size } of offered) {
      const last = loop.offered.get(channel);
      const times = last && last.size === size ? last.times + 1 : 1;
      loop.offered.set(channel, { size, at: now, times });
    }
    const checkpoints = offered.map(({ channel, party, note }) => ({ channel, party, note }));
    const result = await this.client.request<Partial<PushResult>>(peer, 'POST', FEDERATION_PATHS.entries, {
      entries: [],
      checkpoints,
    } satisfies PushRequest);
    await this.storeCosignatures(peer, loop, result.cosigned ?? []);
  }

  /** Keeps the peer's witness cosignatures of this party's checkpoints that verify. */
  private async storeCosignatures(loopPeer: Peer, loop: PeerLoop, cosigned: WireCheckpoint[]): Promise<void> {
    if (cosigned.length === 0) return;
    // The pin as it is now: the peer may have rotated its key since this loop started.
    const peer = (await this.context.peers.getPeer(loopPeer.party)) ?? loopPeer;
    for (const item of cosigned.slice(0, 1000)) {
      if (item.party !== this.context.party) continue;
      try {
        const opened = openNote(item.note, [
          { name: witnessKeyName(peer.party), publicKey: peer.nodePublicKey, type: SIG_TYPE_COSIGNATURE_V1 },
        ]);
        if (!opened.signatures.some((s) => s.name === witnessKeyName(peer.party) && s.verified)) continue;
        const { size } = parseCheckpoint(opened.text);
        if (size > (loop.witnessedSize.get(item.channel) ?? 0)) loop.witnessedSize.set(item.channel, size);
        await this.context.peers.putCosignature(
          item.channel,
          item.party,
          size,
          peer.party,
          item.note,
          Date.now(),
        );
      } catch {
        this.log('warn', `ignored a malformed cosignature from ${peer.party}`);
      }
    }
  }

  /** Pulls the peer's own chains from where this node's copies end; false when nothing was new. */
  async pullOnce(peer: Peer, loop: PeerLoop): Promise<boolean> {
    let received = 0;
    for (const channel of await this.context.chains.listChannels()) {
      if (!channel.parties[peer.party]) continue;
      const held = (await this.context.chains.getChainHead(channel.id, peer.party))?.size ?? 0;
      let page: ChainPage;
      try {
        page = await this.client.request(
          peer,
          'GET',
          FEDERATION_PATHS.chain(channel.id, peer.party, held, this.batchSize),
        );
      } catch (error) {
        // The peer may not have accepted (or may not know) this channel yet.
        if (error instanceof PeerRequestError && error.status === 404) continue;
        throw error;
      }
      if (page.entries.length === 0) continue;
      const checkpoints = page.checkpoint
        ? [{ channel: channel.id, party: peer.party, note: page.checkpoint }]
        : [];
      const result = await this.receiver.receive(peer, page.entries, checkpoints, { via: 'pull' });
      // Only what was stored counts: entries held back until what they name arrives do not.
      received += Math.max(0, (result.held[channel.id] ?? held) - held);
    }
    loop.link.pulled += received;
    return received > 0;
  }
}

export function toWire(entry: StoredEntry): WireEntry {
  return {
    channel: entry.channel,
    party: entry.party,
    seq: entry.seq,
    canonical: entry.canonical,
    sig: entry.sig,
  };
}
