/**
 * Starts the HTTP API for an opened node and stops it cleanly: on SIGINT/SIGTERM the listener
 * closes, queued appends are committed, then the database is closed.
 */
import { createServer, type Server } from 'node:http';
import type { Federation } from '../federation/federation.js';
import type { ConnectionLimits } from '../http/server.js';
import type { Metrics } from '../http/metrics.js';
import { federationContextOf } from '../federation/node-context.js';
import { ChainRecovery, type RecoveryStatus } from '../federation/recovery.js';
import type { ReplicatorOptions } from '../federation/replicator.js';
import { EscalationScheduler } from '../workflows/obligations/escalation.js';
import type { ParleyNode } from '../node/parley-node.js';

/** How long a stop waits for in-flight requests before it closes their connections. */
const CLOSE_GRACE_MS = 3000;

export interface RunningServer {
  url: string;
  federation: Federation;
  escalations: EscalationScheduler;
  /** What recovery of this node's own chains from its peers found at start (federation/recovery.ts). */
  recovery: RecoveryStatus;
  /** The separate metrics listener, when one was asked for. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export async function startServer(
  node: ParleyNode,
  options: {
    host: string;
    port: number;
    logLevel: string;
    bodyLimit?: number;
    replication?: ReplicatorOptions;
    /** Interval of signed link-test heartbeats to each peer. */
    heartbeatSeconds?: number;
    /** Certificate and key (PEM) to serve HTTPS. */
    tls?: { cert: string; key: string };
    /** How often overdue obligations are checked and escalated. */
    escalationSeconds?: number;
    /** How long each peer has to answer at start when asked for this node's own chains. */
    recoveryTimeoutMs?: number;
    /** Time and connection limits of the listener (http/server.ts). */
    limits?: Partial<ConnectionLimits>;
    /** Bearer token that opens /metrics on the API listener (otherwise it answers 404 there). */
    metricsToken?: string;
    /** Serve /metrics, unauthenticated, on this separate (private) address instead. */
    metricsListen?: { host: string; port: number };
  },
): Promise<RunningServer> {
  // Loaded here, not at the top, so CLI commands that serve nothing start quickly.
  const [
    { pino },
    { buildServer },
    { createFederation },
    { LinkMonitor, DEFAULT_HEARTBEAT_SECONDS },
    { registerRecoveryGate },
  ] = await Promise.all([
    import('pino'),
    import('../http/server.js'),
    import('../federation/federation.js'),
    import('../federation/heartbeat.js'),
    import('../http/routes/recovery.js'),
  ]);
  const logger = pino({
    level: options.logLevel,
    base: { party: node.party },
    // Secrets must never reach a log line, whatever a later change logs.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'password',
        '*.password',
        'token',
        '*.token',
        'privateKey',
        '*.privateKey',
      ],
      censor: '[redacted]',
    },
  });
  const context = federationContextOf(node);
  const links = new LinkMonitor(context, (options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS) * 1000);
  const federation = createFederation(context, options.replication, links);
  federation.replicator.log = (level, message) => logger[level](message);
  federation.witness.onEquivocation = (channel, party, detail) =>
    logger.error(
      { channel, party, detail },
      'EQUIVOCATION: a node signed two histories of one chain; evidence kept',
    );
  const app = await buildServer(node, {
    logger,
    bodyLimit: options.bodyLimit,
    federation,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    ...(options.tls ? { tls: options.tls, secureCookies: true } : {}),
  });
  // Until this node has asked its peers for its own chains, it writes nothing: writes are
  // refused (503 recovering), and replication, link tests and escalations start afterwards.
  const recovery = new ChainRecovery(
    { ...context, reloadOwnChain: (channel) => node.appender.invalidate(channel) },
    options.recoveryTimeoutMs ? { peerTimeoutMs: options.recoveryTimeoutMs } : {},
  );
  recovery.log = (level, message) => logger[level]({ recovery: true }, message);
  registerRecoveryGate(app, recovery);
  await app.listen({ host: options.host, port: options.port });
  const metricsServer = options.metricsListen
    ? await listenForMetrics(app.parleyMetrics, options.metricsListen)
    : undefined;
  await recovery.run();
  await federation.replicator.start();
  await links.start();
  const escalations = new EscalationScheduler(node, (options.escalationSeconds ?? 15) * 1000);
  escalations.log = (message, detail) => logger.warn(detail, message);
  escalations.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `${options.tls ? 'https' : 'http'}://${hostInUrl(options.host)}:${port}`;
  const metricsUrl = metricsServer
    ? `http://${hostInUrl(options.metricsListen!.host)}:${metricsServer.port}`
    : undefined;
  for (const warning of node.storage.warnings ?? []) logger.warn({ storage: node.storage.engine }, warning);
  logger.info({ url, fingerprint: node.fingerprint, storage: node.storage.engine }, 'parley node listening');
  return {
    url,
    federation,
    escalations,
    recovery: recovery.status,
    ...(metricsUrl ? { metricsUrl } : {}),
    async close() {
      escalations.stop();
      links.stop();
      federation.stop();
      // In-flight requests get a few seconds to finish; then every connection still open (live
      // streams never finish, a slow client may not) is closed, so a stop never hangs.
      const force = setTimeout(() => {
        app.server.closeAllConnections();
        metricsServer?.server.closeAllConnections();
      }, CLOSE_GRACE_MS);
      try {
        if (metricsServer) await new Promise<void>((done) => metricsServer.server.close(() => done()));
        await app.close();
      } finally {
        clearTimeout(force);
      }
      await node.close();
    },
  };
}

function hostInUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * /metrics on its own listener, for a scraper on a private network: it answers that one path
 * only, to anyone who can reach the address (bind it to loopback or a management network).
 */
async function listenForMetrics(
  metrics: Metrics,
  at: { host: string; port: number },
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) =>
        response
          .writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' })
          .end(text),
      () => response.writeHead(500).end(),
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((done, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => done());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : at.port };
}
