/** `parley serve`: runs the node's HTTP API until SIGINT/SIGTERM. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { startServer } from '../../server/run-server.js';
import { DEFAULT_PORT, dataDirOption, databaseUrlOption } from '../context.js';
import { checkDatabaseUrlFlag, openNode } from '../local-node.js';
import { CliError, fail } from '../output.js';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError('validation_failed', `--port '${value}' is not a port number`, 2);
  return port;
}

/**
 * Replication tuning: PARLEY_REPLICATION_POLL_MS (idle re-check, default 5000),
 * PARLEY_RETRY_MAX_MS (ceiling of the retry back-off, default 30000) and
 * PARLEY_REPLICATION_BATCH (entries per push, 1 to 2000, default 1000).
 */
export function replicationOptionsFromEnv(): {
  idlePollMs?: number;
  maxDelayMs?: number;
  batchSize?: number;
} {
  const poll = Number(process.env.PARLEY_REPLICATION_POLL_MS);
  const retry = Number(process.env.PARLEY_RETRY_MAX_MS);
  const batch = Number(process.env.PARLEY_REPLICATION_BATCH);
  return {
    ...(Number.isInteger(poll) && poll >= 50 ? { idlePollMs: poll } : {}),
    ...(Number.isInteger(retry) && retry >= 50 ? { maxDelayMs: retry } : {}),
    ...(Number.isInteger(batch) && batch >= 1 && batch <= 2000 ? { batchSize: batch } : {}),
  };
}

function readTls(
  cert: string | undefined,
  key: string | undefined,
): { cert: string; key: string } | undefined {
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new CliError('validation_failed', '--tls-cert and --tls-key go together', 2);
  try {
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } catch (error) {
    throw new CliError(
      'validation_failed',
      `cannot read the TLS certificate or key: ${(error as Error).message}`,
      2,
    );
  }
}

function parseSeconds(value: string, option: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 86_400) {
    throw new CliError('validation_failed', `${option} '${value}' must be between 1 and 86400`, 2);
  }
  return seconds;
}

export function registerServe(program: Command): void {
  databaseUrlOption(dataDirOption(program.command('serve')))
    .description('serve the HTTP API (and live updates) of the node in --data-dir')
    .option('--host <host>', 'address to listen on', process.env.PARLEY_HOST ?? '127.0.0.1')
    .option(
      '--port <port>',
      'port to listen on (0 picks a free one)',
      process.env.PARLEY_PORT ?? String(DEFAULT_PORT),
    )
    .option(
      '--log-level <level>',
      'fatal | error | warn | info | debug',
      process.env.PARLEY_LOG_LEVEL ?? 'info',
    )
    .option(
      '--heartbeat-seconds <s>',
      'interval of signed link tests to each peer (1 to 86400)',
      process.env.PARLEY_HEARTBEAT_SECONDS ?? '3600',
    )
    .option(
      '--escalation-seconds <s>',
      'how often overdue items are checked and escalated (1 to 86400)',
      process.env.PARLEY_ESCALATION_SECONDS ?? '15',
    )
    .option(
      '--migrate',
      'apply pending database migrations first (otherwise serve refuses to start: stop other processes, back up, `parley migrate`)',
    )
    .option('--tls-cert <pem-file>', 'serve HTTPS with this certificate (with --tls-key)')
    .option('--tls-key <pem-file>', 'private key of the TLS certificate')
    .action(
      async (options: {
        tlsCert?: string;
        tlsKey?: string;
        databaseUrl?: string;
        dataDir: string;
        host: string;
        port: string;
        logLevel: string;
        heartbeatSeconds: string;
        escalationSeconds: string;
        migrate?: boolean;
      }) => {
        try {
          const migrations = options.migrate ? 'apply' : 'refuse';
          const node = await openNode(options.dataDir, checkDatabaseUrlFlag(options.databaseUrl), migrations);
          const server = await startServer(node, {
            host: options.host,
            port: parsePort(options.port),
            logLevel: options.logLevel,
            replication: replicationOptionsFromEnv(),
            heartbeatSeconds: parseSeconds(options.heartbeatSeconds, '--heartbeat-seconds'),
            escalationSeconds: parseSeconds(options.escalationSeconds, '--escalation-seconds'),
            tls: readTls(options.tlsCert, options.tlsKey),
            recoveryTimeoutMs: Number(process.env.PARLEY_RECOVERY_TIMEOUT_MS) || undefined,
          });
          // A machine-readable first line on stdout for scripts and tests that start a node.
          process.stdout.write(`parley: listening on ${server.url}\n`);
          let stopping = false;
          const stop = (): void => {
            if (stopping) return;
            stopping = true;
            void server.close().then(() => process.exit(0));
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        } catch (error) {
          fail({}, error);
        }
      },
    );
}
