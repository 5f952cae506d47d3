/**
 * Starts the HTTP API for an opened node and stops it cleanly: on SIGINT/SIGTERM the listener
 * closes, queued appends are committed, then the database is closed.
 */
import type { Federation } from '../federation/federation.js';
import { federationContextOf } from '../federation/node-context.js';
import type { ReplicatorOptions } from '../federation/replicator.js';
import { EscalationScheduler } from '../workflows/obligations/escalation.js';
import type { ParleyNode } from '../node/parley-node.js';

export interface RunningServer {
  url: string;
  federation: Federation;
  escalations: EscalationScheduler;
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
  },
): Promise<RunningServer> {
  // Loaded here, not at the top, so CLI commands that serve nothing start quickly.
  const [{ pino }, { buildServer }, { createFederation }, { LinkMonitor, DEFAULT_HEARTBEAT_SECONDS }] =
    await Promise.all([
      import('pino'),
      import('../http/server.js'),
      import('../federation/federation.js'),
      import('../federation/heartbeat.js'),
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
  await app.listen({ host: options.host, port: options.port });
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
    async close() {
      escalations.stop();
      links.stop();
      federation.stop();
      await app.close();
      await node.close();
    },
  };
}
