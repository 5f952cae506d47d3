/**
 * Starts the HTTP API for an opened node and stops it cleanly: on SIGINT/SIGTERM the listener
 * closes, queued appends are committed, then the database is closed.
 */
import type { Federation } from '../federation/federation.js';
import { federationContextOf } from '../federation/node-context.js';
import { ChainRecovery, type RecoveryStatus } from '../federation/recovery.js';
import type { ReplicatorOptions } from '../federation/replicator.js';
import { EscalationScheduler } from '../workflows/obligations/escalation.js';
import type { ParleyNode } from '../node/parley-node.js';

export interface RunningServer {
  url: string;
  federation: Federation;
  escalations: EscalationScheduler;
  /** What recovery of this node's own chains from its peers found at start (federation/recovery.ts). */
  recovery: RecoveryStatus;
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
  await recovery.run();
  await federation.replicator.start();
  await links.start();
  const escalations = new EscalationScheduler(node, (options.escalationSeconds ?? 15) * 1000);
  escalations.log = (message, detail) => logger.warn(detail, message);
  escalations.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `${options.tls ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  for (const warning of node.storage.warnings ?? []) logger.warn({ storage: node.storage.engine }, warning);
  logger.info({ url, fingerprint: node.fingerprint, storage: node.storage.engine }, 'parley node listening');
  return {
    url,
    federation,
    escalations,
    recovery: recovery.status,
    async close() {
      escalations.stop();
      links.stop();
      federation.stop();
      await app.close();
      await node.close();
    },
  };
}
