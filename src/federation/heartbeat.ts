/**
 * Link tests: every peer is sent a signed heartbeat on a fixed interval (hourly by default,
 * down to seconds), and each result — success with its round-trip time, or the failure — is
 * recorded, so an operator sees not just that a link is up but when it was last proven to be.
 */
import type { LinkTest, Peer } from '../storage/storage.js';
import type { LinkMonitorContext } from './context.js';
import { FederationClient } from './federation-client.js';
import { FEDERATION_PATHS, type HeartbeatRequest, type HeartbeatResponse } from './wire.js';

export const DEFAULT_HEARTBEAT_SECONDS = 3600;

export class LinkMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly client: FederationClient;
  private readonly latest = new Map<string, LinkTest>();
  private peerWatch: NodeJS.Timeout | null = null;

  constructor(
    private readonly context: LinkMonitorContext,
    private readonly intervalMs: number = DEFAULT_HEARTBEAT_SECONDS * 1000,
  ) {
    this.client = new FederationClient({ party: context.party, sign: context.signAsNode, timeoutMs: 10_000 });
  }

  async start(): Promise<void> {
    await this.refreshPeers();
    this.peerWatch = setInterval(
      () => void this.refreshPeers().catch(() => {}),
      Math.min(this.intervalMs, 5000),
    );
    this.peerWatch.unref();
  }

  stop(): void {
    if (this.peerWatch) clearInterval(this.peerWatch);
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
    await this.context.peers.recordLinkTest(result);
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
