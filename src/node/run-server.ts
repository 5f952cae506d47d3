/**
 * Starts the HTTP API for an opened node and stops it cleanly: on SIGINT/SIGTERM the listener
 * closes, queued appends are committed, then the database is closed.
 */
import type { ParleyNode } from './parley-node.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  node: ParleyNode,
  options: { host: string; port: number; logLevel: string; bodyLimit?: number },
): Promise<RunningServer> {
  // Loaded here, not at the top, so CLI commands that serve nothing start quickly.
  const [{ pino }, { buildServer }] = await Promise.all([import('pino'), import('../http/server.js')]);
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
  const app = await buildServer(node, { logger, bodyLimit: options.bodyLimit });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url, fingerprint: node.fingerprint }, 'parley node listening');
  return {
    url,
    async close() {
      await app.close();
      await node.close();
    },
  };
}
