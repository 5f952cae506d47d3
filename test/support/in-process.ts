/**
 * Federated nodes inside the test process, over real HTTP on 127.0.0.1, sharing one virtual
 * clock: tests move time forward by hours without waiting, and drive the escalation scheduler
 * by hand.
 */
import type { ParleyNode } from '../../src/node/parley-node.js';
import { openNode } from '../../src/workflows/open-node.js';
import { startServer, type RunningServer } from '../../src/server/run-server.js';
import { initParty, runCliAsync } from './node-process.js';

export interface VirtualClock {
  now(): number;
  advance(ms: number): void;
}

export function virtualClock(start = Date.now()): VirtualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

export interface InProcessParty {
  party: string;
  dataDir: string;
  url: string;
  tokens: Record<string, string>;
  node: ParleyNode;
  server: RunningServer;
  /** Closes the node and opens it again on the same data, as after a restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of startServer a test adds (mail settings, a metrics token…). */
export type ServerExtras = Partial<Parameters<typeof startServer>[1]>;

export async function startInProcessParty(
  party: string,
  clock: VirtualClock,
  extras: ServerExtras = {},
): Promise<InProcessParty> {
  const { dataDir, tokens } = await initParty(party);
  const launch = async (port: number) => {
    const node = await openNode(dataDir, { now: clock.now });
    // The scheduler's own timer is slowed right down: tests call tick() with virtual time.
    const server = await startServer(node, {
      host: '127.0.0.1',
      port,
      logLevel: process.env.PARLEY_TEST_LOG ?? 'silent',
      escalationSeconds: 86_400,
      // So is the alert outbox's: tests call server.alerts.tick().
      alertSeconds: 86_400,
      ...extras,
    });
    return { node, server };
  };
  let { node, server } = await launch(0);
  const result: InProcessParty = {
    party,
    dataDir,
    url: server.url,
    tokens,
    node,
    server,
    async restart() {
      await server.close();
      ({ node, server } = await launch(Number(new URL(result.url).port)));
      result.node = node;
      result.server = server;
    },
    stop: () => server.close(),
  };
  return result;
}

/**
 * Pins each node's key at the other, through the CLI as an operator would. The CLI runs
 * asynchronously: it calls the in-process nodes, which must keep serving meanwhile.
 */
export async function pinPeers(a: InProcessParty, b: InProcessParty): Promise<void> {
  for (const [self, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const result = await runCliAsync([
      'peer',
      'add',
      other.url,
      '--party',
      other.party,
      '--fingerprint',
      other.node.fingerprint,
      '--data-dir',
      self.dataDir,
    ]);
    if (result.status !== 0) throw new Error(`peer add failed: ${result.stderr}`);
  }
}
