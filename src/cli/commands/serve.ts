/** `parley serve`: runs the node's HTTP API until SIGINT/SIGTERM. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkDataDirPermissions, checkPrivateFile } from '../../node/data-dir.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from '../../http/limits.js';
import { peerClientCertificate } from '../../federation/peer-transport.js';
import { startServer } from '../../server/run-server.js';
import { checkMailSettings } from '../../workflows/alerting/transports.js';
import { DEFAULT_PORT, dataDirOption, databaseUrlOption } from '../context.js';
import { checkDatabaseUrlFlag, openNode } from '../local-node.js';
import { CliError, fail } from '../output.js';
import { ParleyError } from '../../core/errors.js';
import { PASSKEY_MODES, passkeySettings } from '../../workflows/directory/passkeys-policy.js';

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

/** `--federation-port` with `--federation-client-ca`: the mutual-TLS federation listener. */
function readFederationListen(
  options: { federationPort?: string; federationHost?: string; federationClientCa?: string; host: string },
  tls: { cert: string; key: string } | undefined,
): { host: string; port: number; clientCa: string } | undefined {
  if (!options.federationPort && !options.federationClientCa) return undefined;
  if (!options.federationPort || !options.federationClientCa) {
    throw new CliError('validation_failed', '--federation-port and --federation-client-ca go together', 2);
  }
  if (!tls) {
    throw new CliError(
      'validation_failed',
      '--federation-port needs --tls-cert and --tls-key (mutual TLS)',
      2,
    );
  }
  let clientCa: string;
  try {
    clientCa = readFileSync(options.federationClientCa, 'utf8');
  } catch (error) {
    throw new CliError(
      'validation_failed',
      `cannot read --federation-client-ca: ${(error as Error).message}`,
      2,
    );
  }
  return {
    host: options.federationHost ?? options.host,
    port: parsePort(options.federationPort),
    clientCa,
  };
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

/** `--passkeys` with `--public-url`, refused before anything starts when they do not fit. */
function readPasskeySettings(mode: string, publicUrl: string | undefined) {
  try {
    return passkeySettings(mode, publicUrl, '');
  } catch (error) {
    if (error instanceof ParleyError) throw new CliError('validation_failed', error.message, 2);
    throw error;
  }
}

const env = (name: string, fallback: number): string => process.env[name] ?? String(fallback);

/** The listener's limits as flags: one row a limit, used to declare and to read them. */
const CONNECTION_LIMIT_FLAGS: ReadonlyArray<{
  key: keyof ConnectionLimits;
  flag: string;
  env: string;
  description: string;
  min: number;
  max: number;
}> = [
  {
    key: 'headersTimeoutMs',
    flag: '--headers-timeout-ms <ms>',
    env: 'PARLEY_HEADERS_TIMEOUT_MS',
    description: 'time a client has to send its request headers',
    min: 100,
    max: 3_600_000,
  },
  {
    key: 'requestTimeoutMs',
    flag: '--request-timeout-ms <ms>',
    env: 'PARLEY_REQUEST_TIMEOUT_MS',
    description: 'time a client has to send a whole request, body included (slow bodies are cut off)',
    min: 100,
    max: 3_600_000,
  },
  {
    key: 'keepAliveTimeoutMs',
    flag: '--keep-alive-timeout-ms <ms>',
    env: 'PARLEY_KEEP_ALIVE_TIMEOUT_MS',
    description: 'how long an idle keep-alive connection stays open',
    min: 100,
    max: 3_600_000,
  },
  {
    key: 'maxConnections',
    flag: '--max-connections <n>',
    env: 'PARLEY_MAX_CONNECTIONS',
    description: 'open connections at once; more are refused',
    min: 1,
    max: 1_000_000,
  },
  {
    key: 'maxRequestsPerSocket',
    flag: '--max-requests-per-socket <n>',
    env: 'PARLEY_MAX_REQUESTS_PER_SOCKET',
    description: 'requests on one connection before it is closed (0: unlimited)',
    min: 0,
    max: 1_000_000,
  },
];

function connectionLimitOptions(command: Command): Command {
  for (const { key, flag, env: name, description } of CONNECTION_LIMIT_FLAGS)
    command.option(flag, description, env(name, DEFAULT_CONNECTION_LIMITS[key]));
  return command;
}

function readConnectionLimits(options: Record<keyof ConnectionLimits, string>): ConnectionLimits {
  const limits = { ...DEFAULT_CONNECTION_LIMITS };
  for (const { key, flag, min, max } of CONNECTION_LIMIT_FLAGS)
    limits[key] = parseCount(options[key], flag.split(' ')[0]!, min, max);
  return limits;
}

export function registerServe(program: Command): void {
  connectionLimitOptions(databaseUrlOption(dataDirOption(program.command('serve'))))
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
      '--federation-port <port>',
      'serve the federation routes on this port with mutual TLS (needs --tls-cert/--tls-key and --federation-client-ca); peers pin this URL, and the API port refuses federation',
      process.env.PARLEY_FEDERATION_PORT,
    )
    .option(
      '--federation-host <host>',
      'address of the federation listener (default: --host)',
      process.env.PARLEY_FEDERATION_HOST,
    )
    .option(
      '--federation-client-ca <pem-file>',
      'CA whose client certificates peers must present on the federation port; others fail the TLS handshake',
      process.env.PARLEY_FEDERATION_CLIENT_CA,
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
    .option(
      '--smtp-url <url>',
      'send escalations by e-mail through this SMTP server, smtp://user@host:587 or smtps://host:465 (env PARLEY_SMTP_URL; put a password only in the variable: flags show in ps)',
      process.env.PARLEY_SMTP_URL,
    )
    .option(
      '--mail-from <address>',
      'sender of escalation e-mail (env PARLEY_MAIL_FROM)',
      process.env.PARLEY_MAIL_FROM ?? 'Parley <parley@localhost>',
    )
    .option(
      '--alert-seconds <n>',
      'how often the alert outbox sends due e-mail and webhook deliveries (env PARLEY_ALERT_SECONDS)',
      process.env.PARLEY_ALERT_SECONDS ?? '5',
    )
    .option(
      '--public-url <url>',
      'the address people open in their browser (https://host[:port], or http://localhost[:port]); passkeys are bound to it (env PARLEY_PUBLIC_URL)',
      process.env.PARLEY_PUBLIC_URL,
    )
    .option(
      '--passkeys <mode>',
      `passkeys as a second factor after the password: ${PASSKEY_MODES.join(' | ')} (needs --public-url; env PARLEY_PASSKEYS)`,
      process.env.PARLEY_PASSKEYS ?? 'off',
    )
    .addHelpText(
      'after',
      '\nSecurity: serve refuses to start when other users can read the data directory, parley.db(-wal,-shm),\nnode.key or the TLS key (fix with chmod 700 / chmod 600). PARLEY_METRICS_TOKEN=<token> opens /metrics\nto `Authorization: Bearer <token>`. PARLEY_INSECURE_PEERS=1 lets POST /api/v1/peers pin http:// peers\nthat are not on loopback. PARLEY_TRUST_PROXY=1 takes the client address from X-Forwarded-For\n(behind a reverse proxy only). PARLEY_RECOVERY_TIMEOUT_MS bounds each request to a peer while the node\nrecovers its own chains at start (default 10000).\n\nNode key: a sealed node.key needs PARLEY_NODE_KEY_PASSPHRASE or PARLEY_NODE_KEY_PASSPHRASE_FILE; one in a\nPKCS#11 token needs PARLEY_PKCS11_PIN or PARLEY_PKCS11_PIN_FILE (see `parley node-key --help`). serve\nrefuses to start without them or with wrong ones.\nMutual TLS to peers: PARLEY_PEER_CLIENT_CERT and PARLEY_PEER_CLIENT_KEY (PEM files, key mode 600) are the\nclient certificate this node presents to https peers (set them for `peer add` too).',
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
        smtpUrl?: string;
        mailFrom: string;
        alertSeconds: string;
        migrate?: boolean;
        headersTimeoutMs: string;
        requestTimeoutMs: string;
        keepAliveTimeoutMs: string;
        maxConnections: string;
        maxRequestsPerSocket: string;
        metricsPort?: string;
        metricsHost: string;
        publicUrl?: string;
        passkeys: string;
        federationPort?: string;
        federationHost?: string;
        federationClientCa?: string;
      }) => {
        try {
          const passkeys = readPasskeySettings(options.passkeys, options.publicUrl);
          const limits = readConnectionLimits(options);
          const mail = checkMailSettings({ smtpUrl: options.smtpUrl || null, mailFrom: options.mailFrom });
          const tls = readTls(options.tlsCert, options.tlsKey);
          const federationListen = readFederationListen(options, tls);
          peerClientCertificate();
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
            mail,
            alertSeconds: parseSeconds(options.alertSeconds, '--alert-seconds'),
            tls,
            recoveryTimeoutMs: Number(process.env.PARLEY_RECOVERY_TIMEOUT_MS) || undefined,
            limits,
            ...(passkeys ? { passkeys: { ...passkeys, rpName: `Parley (${node.party})` } } : {}),
            ...(process.env.PARLEY_METRICS_TOKEN ? { metricsToken: process.env.PARLEY_METRICS_TOKEN } : {}),
            ...(options.metricsPort
              ? { metricsListen: { host: options.metricsHost, port: parsePort(options.metricsPort) } }
              : {}),
            ...(federationListen ? { federationListen } : {}),
          });
          // A machine-readable first line on stdout for scripts and tests that start a node.
          process.stdout.write(`parley: listening on ${server.url}\n`);
          if (server.federationUrl)
            process.stdout.write(`parley: federation (mutual TLS) on ${server.federationUrl}\n`);
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
