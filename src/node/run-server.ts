/**
 * Starts the HTTP API for an opened node and stops it cleanly: on SIGINT/SIGTERM the listener
 * closes, queued appends are committed, then the database is closed.
 */
import type { Federation } from '../federation/federation.js';
import type { ReplicatorOptions } from '../federation/replicator.js';
import type { ParleyNode } from './parley-node.js';

export interface RunningServer {
  url: string;
  federation: Federation;
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
  },
): Promise<RunningServer> {
  // Loaded here, not at the top, so CLI commands that serve nothing start quickly.
  const [{ pino }, { buildServer }, { createFederation }] = await Promise.all([
    import('pino'),
    import('../http/server.js'),
    import('../federation/federation.js'),
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
  const federation = createFederation(node, options.replication);
  federation.replicator.log = (level, message) => logger[level](message);
  const app = await buildServer(node, { logger, bodyLimit: options.bodyLimit, federation });
  await app.listen({ host: options.host, port: options.port });
  await federation.replicator.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url, fingerprint: node.fingerprint }, 'parley node listening');
  return {
    url,
    federation,
    async close() {
      federation.stop();
      await app.close();
      await node.close();
    },
  };
}
