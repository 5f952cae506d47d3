/** `parley serve`: runs the node's HTTP API until SIGINT/SIGTERM. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkDataDirPermissions, checkPrivateFile } from '../../node/data-dir.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../http/limits.js';
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
    checkPrivateFile(key, 'the TLS key');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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

function parseCount(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(
      'validation_failed',
      `${option} '${value}' must be an integer from ${min} to ${max}`,
      2,
    );
  }
  return n;
}

const env = (name: string, fallback: number): string => process.env[name] ?? String(fallback);

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
    .option('--tls-key <pem-file>', 'private key of the TLS certificate (mode 600: others must not read it)')
    .option(
      '--headers-timeout-ms <ms>',
      'time a client has to send its request headers',
      env('PARLEY_HEADERS_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.headersTimeoutMs),
    )
    .option(
      '--request-timeout-ms <ms>',
      'time a client has to send a whole request, body included (slow bodies are cut off)',
      env('PARLEY_REQUEST_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
    )
    .option(
      '--keep-alive-timeout-ms <ms>',
      'how long an idle keep-alive connection stays open',
      env('PARLEY_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs),
    )
    .option(
      '--max-connections <n>',
      'open connections at once; more are refused',
      env('PARLEY_MAX_CONNECTIONS', DEFAULT_CONNECTION_LIMITS.maxConnections),
    )
    .option(
      '--max-requests-per-socket <n>',
      'requests on one connection before it is closed (0: unlimited)',
      env('PARLEY_MAX_REQUESTS_PER_SOCKET', DEFAULT_CONNECTION_LIMITS.maxRequestsPerSocket),
    )
    .option(
      '--metrics-port <port>',
      'serve /metrics (unauthenticated) on this separate port; otherwise /metrics needs PARLEY_METRICS_TOKEN as a Bearer token, and answers 404 without one',
      process.env.PARLEY_METRICS_PORT,
    )
    .option(
      '--metrics-host <host>',
      'address of the separate metrics listener (keep it private)',
      process.env.PARLEY_METRICS_HOST ?? '127.0.0.1',
    )
    .addHelpText(
      'after',
      '\nSecurity: serve refuses to start when other users can read the data directory, parley.db(-wal,-shm),\nnode.key or the TLS key (fix with chmod 700 / chmod 600). PARLEY_METRICS_TOKEN=<token> opens /metrics\nto `Authorization: Bearer <token>`. PARLEY_INSECURE_PEERS=1 lets POST /api/v1/peers pin http:// peers\nthat are not on loopback. PARLEY_TRUST_PROXY=1 takes the client address from X-Forwarded-For\n(behind a reverse proxy only). PARLEY_RECOVERY_TIMEOUT_MS bounds each request to a peer while the node\nrecovers its own chains at start (default 10000).',
    )
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
        headersTimeoutMs: string;
        requestTimeoutMs: string;
        keepAliveTimeoutMs: string;
        maxConnections: string;
        maxRequestsPerSocket: string;
        metricsPort?: string;
        metricsHost: string;
      }) => {
        try {
          const limits = {
            headersTimeoutMs: parseCount(options.headersTimeoutMs, '--headers-timeout-ms', 100, 3_600_000),
            requestTimeoutMs: parseCount(options.requestTimeoutMs, '--request-timeout-ms', 100, 3_600_000),
            keepAliveTimeoutMs: parseCount(
              options.keepAliveTimeoutMs,
              '--keep-alive-timeout-ms',
              100,
              3_600_000,
            ),
            maxConnections: parseCount(options.maxConnections, '--max-connections', 1, 1_000_000),
            maxRequestsPerSocket: parseCount(
              options.maxRequestsPerSocket,
              '--max-requests-per-socket',
              0,
              1_000_000,
            ),
          };
          const tls = readTls(options.tlsCert, options.tlsKey);
          checkDataDirPermissions(options.dataDir);
          const migrations = options.migrate ? 'apply' : 'refuse';
          const node = await openNode(options.dataDir, checkDatabaseUrlFlag(options.databaseUrl), migrations);
          const server = await startServer(node, {
            host: options.host,
            port: parsePort(options.port),
            logLevel: options.logLevel,
            replication: replicationOptionsFromEnv(),
            heartbeatSeconds: parseSeconds(options.heartbeatSeconds, '--heartbeat-seconds'),
            escalationSeconds: parseSeconds(options.escalationSeconds, '--escalation-seconds'),
            tls,
            recoveryTimeoutMs: Number(process.env.PARLEY_RECOVERY_TIMEOUT_MS) || undefined,
            limits,
            ...(process.env.PARLEY_METRICS_TOKEN ? { metricsToken: process.env.PARLEY_METRICS_TOKEN } : {}),
            ...(options.metricsPort
              ? { metricsListen: { host: options.metricsHost, port: parsePort(options.metricsPort) } }
              : {}),
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
