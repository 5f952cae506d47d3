/**
 * Recovery of this party's own chains from its peers, at every start (README "Backup and
 * restore"). Each peer holds a replica of this party's chains in the channels it shares; a node
 * restored from a backup, or whose disk lost its last commits, holds less of its own chains than
 * its peers do. Were it to write on, it would sign a second entry for a seq a peer already holds:
 * a fork, which the peer keeps as evidence and refuses for good (DESIGN.md, "Forks").
 *
 * So before the node accepts any write, it asks every pinned peer for the entries of its own
 * chains past its own heads (the chain-page route that backfill uses), verifies them exactly as a
 * receiver verifies a peer's chain (core ChainVerifier resumed from the stored head, against its
 * own node key and the author keys its chain published), stores them, and has the appender
 * reload its heads, so the next entry continues the recovered chain. Entries for this party's
 * chain that do not verify (another key, a different history) are refused and kept in the audit
 * log. Each peer has a bounded time to answer each request (peers are asked side by side); a
 * peer not reached in time is reported, and the node proceeds: entries only that peer holds stay
 * missing, and a fork with it remains possible.
 */
import { verifyChainCheckpoint } from '../core/chain-checkpoint.js';
import { sha256Hex } from '../core/hash.js';
import type { Channel, ChainHead, Peer, StoredEntry } from '../storage/storage.js';
import type { FederationContext } from './context.js';
import { FederationClient, PeerRequestError } from './federation-client.js';
import { checkTimestamp, readIncoming } from './incoming-entry.js';
import type { NodeKeyHistory } from '../core/verify-chain.js';
import { nodeKeyHistory } from '../node/node-key-rotation.js';
import { resumeVerifier } from './resume-verifier.js';
import { FEDERATION_PATHS, MAX_BATCH_ENTRIES, type ChainPage, type WireEntry } from './wire.js';

/** What recovery uses of the node, plus the appender's reload of this party's cached heads. */
export type RecoveryContext = Pick<
  FederationContext,
  | 'party'
  | 'nodePublicKey'
  | 'kinds'
  | 'now'
  | 'observeClock'
  | 'signAsNode'
  | 'chains'
  | 'replicas'
  | 'peers'
  | 'audit'
> & {
  /** Forgets the appender's in-memory head of this party's chain in `channel`. */
  reloadOwnChain(channel: string): void;
};

export interface RecoveryOptions {
  /** How long each peer has to answer each request (default 10 s). */
  peerTimeoutMs?: number;
  /** Entries asked for per request. */
  pageSize?: number;
}

export const DEFAULT_RECOVERY_TIMEOUT_MS = 10_000;

/** Entries of one of this party's chains recovered from one peer. */
export interface RecoveredChain {
  channel: string;
  party: string;
  peer: string;
  count: number;
  fromSeq: number;
  toSeq: number;
}

export type PeerOutcome = 'answered' | 'unreachable' | 'timed_out' | 'refused';

export interface RecoveryStatus {
  state: 'recovering' | 'done';
  startedAt: number;
  finishedAt: number | null;
  peers: Record<string, PeerOutcome>;
  recovered: RecoveredChain[];
  /** What operators should read, one line each (also logged). */
  alerts: Array<{ level: 'warn' | 'error'; at: number; message: string }>;
}

export type RecoveryLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export class ChainRecovery {
  readonly status: RecoveryStatus;
  log: RecoveryLog = () => {};
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  /** Pages are verified and stored one at a time, whichever peer sent them. */
  private storing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly context: RecoveryContext,
    options: RecoveryOptions = {},
  ) {
    this.timeoutMs = options.peerTimeoutMs ?? DEFAULT_RECOVERY_TIMEOUT_MS;
    this.pageSize = Math.min(options.pageSize ?? 500, MAX_BATCH_ENTRIES);
    this.status = {
      state: 'recovering',
      startedAt: Date.now(),
      finishedAt: null,
      peers: {},
      recovered: [],
      alerts: [],
    };
  }

  private ownKeyHistory: Promise<NodeKeyHistory> | null = null;

  /** This node's own entries may be signed by keys it has since replaced: read once per recovery. */
  private ownKeys(): Promise<NodeKeyHistory> {
    this.ownKeyHistory ??= this.context.peers
      .listNodeKeyRotations()
      .then((rotations) => nodeKeyHistory(this.context.party, this.context.nodePublicKey, rotations));
    return this.ownKeyHistory;
  }

  /** Whether writes must still wait. */
  get recovering(): boolean {
    return this.status.state === 'recovering';
  }

  /** Asks every pinned peer (side by side, each within its time) and stores what it verifies. */
  async run(): Promise<RecoveryStatus> {
    try {
      const own = this.context.party;
      const channels: Channel[] = [];
      for (const channel of await this.context.chains.listChannels()) {
        if (channel.parties[own] && (await this.context.chains.getChainHead(channel.id, own)))
          channels.push(channel);
      }
      const peers = await this.context.peers.listPeers();
      await Promise.all(peers.map((peer) => this.askPeer(peer, channels)));
    } catch (error) {
      this.alert('error', `recovery of this node's chains failed: ${(error as Error).message}`);
    } finally {
      this.status.state = 'done';
      this.status.finishedAt = Date.now();
    }
    return this.status;
  }

  private async askPeer(peer: Peer, channels: Channel[]): Promise<void> {
    const shared = channels.filter((c) => c.parties[peer.party] || c.observers[peer.party]);
    // Each request has the peer's time: a peer that keeps answering is followed to the end of
    // its copy, since stopping half-way would leave the rest to fork just the same.
    const client = new FederationClient({
      party: this.context.party,
      sign: this.context.signAsNode,
      timeoutMs: this.timeoutMs,
    });
    try {
      for (const channel of shared) await this.recoverChain(client, peer, channel);
      this.status.peers[peer.party] = 'answered';
    } catch (error) {
      const missed =
        `entries of this node's chains that only ${peer.party} holds (written after a backup that was ` +
        'restored) are not recovered, and the next entries may fork with them';
      if (error instanceof PeerRequestError && error.status === null && /timed out/.test(error.message)) {
        this.status.peers[peer.party] = 'timed_out';
        this.alert(
          'warn',
          `peer ${peer.party} did not answer within ${this.timeoutMs} ms at start: ${missed}`,
        );
      } else if (error instanceof PeerRequestError && error.status === null) {
        this.status.peers[peer.party] = 'unreachable';
        this.alert('warn', `peer ${peer.party} was unreachable at start (${error.message}): ${missed}`);
      } else {
        this.status.peers[peer.party] = 'refused';
        this.alert('warn', `recovery from peer ${peer.party} failed: ${(error as Error).message}: ${missed}`);
      }
    }
  }

  /** Pages through the peer's copy of this party's chain in `channel` from this node's head. */
  private async recoverChain(client: FederationClient, peer: Peer, channel: Channel): Promise<void> {
    const own = this.context.party;
    for (;;) {
      const head = await this.context.chains.getChainHead(channel.id, own);
      if (!head) return;
      let page: ChainPage;
      try {
        page = await client.request<ChainPage>(
          peer,
          'GET',
          FEDERATION_PATHS.chain(channel.id, own, head.size, this.pageSize),
        );
      } catch (error) {
        // The peer does not hold this chain (or does not serve a party its own chain yet).
        if (error instanceof PeerRequestError && error.status === 404) return;
        throw error;
      }
      if (!Array.isArray(page?.entries) || page.entries.length === 0) return;
      const run = this.storing.then(() => this.storePage(peer, channel, page));
      this.storing = run.catch(() => {});
      if ((await run) === 0) return;
    }
  }

  /** Verifies and stores one page; returns how many entries it added. */
  private async storePage(peer: Peer, channel: Channel, page: ChainPage): Promise<number> {
    const { chains, kinds } = this.context;
    const own = this.context.party;
    const head = await chains.getChainHead(channel.id, own);
    if (!head) return 0;
    const list = [...page.entries].sort((a, b) => a.seq - b.seq);
    const foreign = list.find((e) => e.channel !== channel.id || e.party !== own);
    if (foreign) {
      this.alert(
        'error',
        `peer ${peer.party} answered a request for chain ${channel.id}/${own} with ${foreign.channel}/${foreign.party}/${foreign.seq}; refused`,
      );
      return 0;
    }
    for (const wire of list.filter((e) => e.seq < head.size)) {
      const held = await chains.getEntry(channel.id, own, wire.seq);
      if (held && held.hash !== sha256Hex(wire.canonical)) {
        await this.refuse(
          peer,
          wire,
          `holds a different entry at ${channel.id}/${own}/${wire.seq} than this node`,
        );
        return 0;
      }
    }
    const verifier = await resumeVerifier(kinds, chains, channel.id, own, await this.ownKeys());
    const accepted: StoredEntry[] = [];
    for (const wire of list) {
      if (wire.seq < verifier.state.size) continue;
      if (wire.seq > verifier.state.size) break; // a gap: the next request resumes at the head
      const { record } = readIncoming(wire, kinds);
      try {
        checkTimestamp(record, this.context.now());
      } catch (error) {
        await this.refuse(peer, wire, (error as Error).message);
        break;
      }
      verifier.push(record);
      const failure = verifier.failures[0];
      if (failure) {
        await this.refuse(peer, wire, `${failure.rule}: ${failure.message}`);
        break;
      }
      accepted.push(record);
    }
    if (accepted.length === 0) return 0;
    const state = verifier.state;
    const recoveredHead: ChainHead = {
      channel: channel.id,
      party: own,
      size: state.size,
      hash: state.hash,
      frontier: state.tree.toHex(),
      checkpoint:
        this.matchingCheckpoint(channel.id, page.checkpoint, state.size, state.tree.root()) ??
        head.checkpoint,
    };
    await this.context.replicas.appendEntries(accepted, [recoveredHead]);
    for (const record of accepted) this.context.observeClock(record.hlc);
    this.context.reloadOwnChain(channel.id);
    const recovered: RecoveredChain = {
      channel: channel.id,
      party: own,
      peer: peer.party,
      count: accepted.length,
      fromSeq: accepted[0]!.seq,
      toSeq: accepted.at(-1)!.seq,
    };
    this.status.recovered.push(recovered);
    this.alert(
      'warn',
      `recovered ${recovered.count} entries of chain ${channel.id}/${own} (seq ${recovered.fromSeq}..${recovered.toSeq}) ` +
        `from peer ${peer.party}: this node held less of its own chain than its peer (restored from a backup?)`,
    );
    return accepted.length;
  }

  /** This party's checkpoint as the peer holds it, when it covers exactly what is now stored. */
  private matchingCheckpoint(
    channel: string,
    note: string | null,
    size: number,
    root: Buffer,
  ): string | null {
    if (!note) return null;
    try {
      const verified = verifyChainCheckpoint(note, channel, this.context.party, this.context.nodePublicKey);
      return verified.size === size && verified.rootHash.equals(root) ? note : null;
    } catch {
      return null;
    }
  }

  /** Refuses an entry a peer presented for this party's chain, keeping it in the audit log. */
  private async refuse(peer: Peer, wire: WireEntry, reason: string): Promise<void> {
    const id = `${wire.channel}/${wire.party}/${wire.seq}`;
    this.alert(
      'error',
      `refused ${id} from peer ${peer.party} while recovering this node's chain: ${reason}`,
    );
    await this.context.audit.recordSecurityEvent({
      action: 'recovery_refused',
      actor: 'node',
      subject: peer.party,
      details: { entry: id, reason, canonical: wire.canonical, sig: wire.sig },
    });
  }

  private alert(level: 'warn' | 'error', message: string): void {
    this.status.alerts.push({ level, at: Date.now(), message });
    this.log(level, message);
  }
}
