/**
 * Link tests: every peer is sent a signed heartbeat on a fixed interval (hourly by default,
 * down to seconds), and each result — success with its round-trip time, or the failure — is
 * recorded, so an operator sees not just that a link is up but when it was last proven to be.
 * With several processes of one node, the tests run in the process holding the `link-tests`
 * lease (node/leases.ts), and each record carries its fence.
 */
import type { LeaseHolder } from '../node/leases.js';
import type { LeaseFence, LinkTest, Peer } from '../storage/storage.js';
import type { LinkMonitorContext } from './context.js';
import { FederationClient } from './federation-client.js';
import { FEDERATION_PATHS, type HeartbeatRequest, type HeartbeatResponse } from './wire.js';

export const DEFAULT_HEARTBEAT_SECONDS = 3600;

/** The lease of link tests when several processes share the node. */
export const LINK_TESTS_LEASE = 'link-tests';

export class LinkMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly client: FederationClient;
  private readonly latest = new Map<string, LinkTest>();
  private peerWatch: NodeJS.Timeout | null = null;
  private fence: LeaseFence | null = null;
  private release: (() => Promise<void>) | null = null;

  constructor(
    private readonly context: LinkMonitorContext,
    private readonly intervalMs: number = DEFAULT_HEARTBEAT_SECONDS * 1000,
    /** Runs the tests only while this process holds LINK_TESTS_LEASE. */
    private readonly leases: LeaseHolder | null = null,
  ) {
    this.client = new FederationClient({ party: context.party, sign: context.signAsNode, timeoutMs: 10_000 });
  }

  async start(): Promise<void> {
    if (!this.leases) return this.begin();
    this.release ??= this.leases.hold(LINK_TESTS_LEASE, {
      start: (fence) => {
        this.fence = fence;
        return this.begin();
      },
      stop: () => this.end(),
    });
  }

  stop(): void {
    void this.release?.();
    this.release = null;
    this.end();
  }

  private async begin(): Promise<void> {
    await this.refreshPeers();
    this.peerWatch = setInterval(
      () => void this.refreshPeers().catch(() => {}),
      Math.min(this.intervalMs, 5000),
    );
    this.peerWatch.unref();
  }

  private end(): void {
    this.fence = null;
    if (this.peerWatch) clearInterval(this.peerWatch);
    this.peerWatch = null;
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }

  /** The most recent link test per peer. */
  last(party: string): LinkTest | undefined {
    return this.latest.get(party);
  }

  /** Sends one heartbeat now and records the result. */
  async test(peer: Peer): Promise<LinkTest> {
    const started = performance.now();
    const at = Date.now();
    let result: LinkTest;
    try {
      const ping: HeartbeatRequest = { at, text: 'Parley link test' };
      await this.client.request<HeartbeatResponse>(peer, 'POST', FEDERATION_PATHS.heartbeat, ping);
      result = { peer: peer.party, at, ok: true, rttMs: performance.now() - started, error: null };
    } catch (error) {
      result = { peer: peer.party, at, ok: false, rttMs: null, error: (error as Error).message };
    }
    this.latest.set(peer.party, result);
    await this.context.peers.recordLinkTest(result, this.fence ?? undefined);
    return result;
  }

  private async refreshPeers(): Promise<void> {
    for (const peer of await this.context.peers.listPeers()) {
      if (this.timers.has(peer.party)) continue;
      const timer = setInterval(() => {
        void this.context.peers
          .getPeer(peer.party)
          .then((current) => (current ? this.test(current) : undefined))
          .catch(() => {});
      }, this.intervalMs);
      timer.unref();
      this.timers.set(peer.party, timer);
      void this.test(peer).catch(() => {});
    }
  }
}

/**
 * Tells every pinned peer this node is up: one signed heartbeat each, not recorded as a link
 * test. After an outage each peer's replication loop to this node is waiting out its back-off;
 * hearing from this node ends the wait (replicator.ts `peerHeard`), so what it holds for this
 * node arrives now. Sent by whichever process starts, lease or not; a peer not reached catches
 * this node up later, as before.
 */
export async function announceStart(context: LinkMonitorContext): Promise<void> {
  const client = new FederationClient({ party: context.party, sign: context.signAsNode, timeoutMs: 10_000 });
  const ping: HeartbeatRequest = { at: Date.now(), text: 'Parley node started' };
  await Promise.all(
    (await context.peers.listPeers()).map((peer) =>
      client.request(peer, 'POST', FEDERATION_PATHS.heartbeat, ping).catch(() => {}),
    ),
  );
}
