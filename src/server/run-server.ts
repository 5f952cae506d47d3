/**
 * Starts the HTTP API for an opened node and stops it cleanly: on SIGINT/SIGTERM the listener
 * closes, queued appends are committed, then the database is closed.
 *
 * Any number of processes may serve one node (one PostgreSQL schema, or one SQLite data
 * directory): the work that must run once — each peer's outbox, link tests, the witness and the
 * escalation scheduler — runs under leases (node/leases.ts), so each piece runs in one process
 * at a time and moves to another within the lease's duration when that one dies. A clean stop
 * gives the leases back first, so the others take over at their next renewal.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Federation } from '../federation/federation.js';
import type { FastifyInstance } from 'fastify';
import type { ConnectionLimits } from '../http/server.js';
import type { Metrics } from '../http/metrics.js';
import { useNodeKeyRotations } from '../federation/federation-client.js';
import { federationContextOf } from '../federation/node-context.js';
import { ownRotations } from '../node/node-key-rotation.js';
import { ChainRecovery, type RecoveryStatus } from '../federation/recovery.js';
import type { ReplicatorOptions } from '../federation/replicator.js';
import { WITNESS_LEASE } from '../federation/witness.js';
import { DEFAULT_LEASE_TTL_MS, LeaseRunner } from '../node/leases.js';
import { EscalationScheduler } from '../workflows/obligations/escalation.js';
import { AlertOutbox } from '../workflows/alerting/outbox.js';
import { checkMailSettings, type MailSettings } from '../workflows/alerting/transports.js';
import type { ParleyNode } from '../node/parley-node.js';
import type { PasskeySettings } from '../workflows/directory/passkeys-policy.js';

/** How long a stop waits for in-flight requests before it closes their connections. */
const CLOSE_GRACE_MS = 3000;

export interface RunningServer {
  url: string;
  federation: Federation;
  escalations: EscalationScheduler;
  /** Delivers escalation entries by e-mail and signed webhook (workflows/alerting/outbox.ts). */
  alerts: AlertOutbox;
  /** The leases of this process (what it holds: `leases.fence(name)`). */
  leases: LeaseRunner;
  /** What recovery of this node's own chains from its peers found at start (federation/recovery.ts). */
  recovery: RecoveryStatus;
  /** The separate metrics listener, when one was asked for. */
  metricsUrl?: string;
  /** The mutual-TLS federation listener, when one was asked for (peers pin this URL). */
  federationUrl?: string;
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
    /** SMTP server and sender for escalation e-mail (`--smtp-url`, `--mail-from`); absent: no e-mail. */
    mail?: MailSettings;
    /** How often the alert outbox plans and sends deliveries (default 5 s). */
    alertSeconds?: number;
    /** How long each peer has to answer at start when asked for this node's own chains. */
    recoveryTimeoutMs?: number;
    /** Time and connection limits of the listener (http/server.ts). */
    limits?: Partial<ConnectionLimits>;
    /** Bearer token that opens /metrics on the API listener (otherwise it answers 404 there). */
    metricsToken?: string;
    /** Serve /metrics, unauthenticated, on this separate (private) address instead. */
    metricsListen?: { host: string; port: number };
    /** Passkey settings (from `--passkeys` and `--public-url`); absent: passkeys off. */
    passkeys?: PasskeySettings | null;
    /**
     * Serve the federation routes on this address with mutual TLS: a peer must present a client
     * certificate issued by `clientCa` (PEM) or the TLS handshake fails. The API listener then
     * refuses federation requests. Needs `tls`.
     * How long a lease lasts without renewal (default PARLEY_LEASE_MS, else 10 s); renewed every
     * fifth of it. A dead process's work moves to another within this plus one renewal period.
     */
    federationListen?: { host: string; port: number; clientCa: string };
    leaseTtlMs?: number;
  },
): Promise<RunningServer> {
  const mail = checkMailSettings(options.mail ?? { smtpUrl: null, mailFrom: 'parley@localhost' });
  // Loaded here, not at the top, so CLI commands that serve nothing start quickly.
  const [
    { pino },
    { buildServer },
    { createFederation },
    { LinkMonitor, DEFAULT_HEARTBEAT_SECONDS, announceStart },
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
  // Peers still pinning a replaced key are shown how it was replaced (federation-client.ts).
  useNodeKeyRotations(
    ownRotations(node.party, node.nodePublicKey, await node.storage.listNodeKeyRotations()),
  );
  const context = federationContextOf(node);
  const leases = new LeaseRunner(node.storage, {
    ttlMs: options.leaseTtlMs ?? leaseTtlFromEnv(),
    log: (level, message, detail) => logger[level](detail, message),
  });
  const links = new LinkMonitor(
    context,
    (options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS) * 1000,
    leases,
  );
  const federation = createFederation(context, { ...options.replication, leases }, links);
  federation.witness.leases = leases;
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
    ...(options.passkeys ? { passkeys: options.passkeys } : {}),
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
  if (options.federationListen) refuseFederationWithoutClientCertificate(app);
  await app.listen({ host: options.host, port: options.port });
  const federationServer = options.federationListen
    ? await listenForFederation(app, options.tls, options.federationListen, options.limits)
    : undefined;
  const metricsServer = options.metricsListen
    ? await listenForMetrics(app.parleyMetrics, options.metricsListen)
    : undefined;
  await recovery.run();
  // Each piece of work asks for its lease; the first round then takes every free one.
  leases.hold(WITNESS_LEASE, { start: () => {}, stop: () => {} });
  await federation.replicator.start();
  void announceStart(context);
  await links.start();
  const escalations = new EscalationScheduler(node, (options.escalationSeconds ?? 15) * 1000, leases);
  escalations.log = (message, detail) => logger.warn(detail, message);
  escalations.start();
  const alerts = new AlertOutbox(node, mail, (options.alertSeconds ?? 5) * 1000, leases);
  alerts.log = (level, message, detail) => logger[level](detail, message);
  alerts.start();
  await leases.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `${options.tls ? 'https' : 'http'}://${hostInUrl(options.host)}:${port}`;
  const metricsUrl = metricsServer
    ? `http://${hostInUrl(options.metricsListen!.host)}:${metricsServer.port}`
    : undefined;
  const federationUrl = federationServer
    ? `https://${hostInUrl(options.federationListen!.host)}:${federationServer.port}`
    : undefined;
  for (const warning of node.storage.warnings ?? []) logger.warn({ storage: node.storage.engine }, warning);
  logger.info({ url, fingerprint: node.fingerprint, storage: node.storage.engine }, 'parley node listening');
  return {
    url,
    federation,
    escalations,
    alerts,
    leases,
    recovery: recovery.status,
    ...(metricsUrl ? { metricsUrl } : {}),
    ...(federationUrl ? { federationUrl } : {}),
    async close() {
      // Work stops and leases are given back before anything else, for a prompt takeover.
      await leases.close();
      escalations.stop();
      await alerts.stop();
      links.stop();
      federation.stop();
      // In-flight requests get a few seconds to finish; then every connection still open (live
      // streams never finish, a slow client may not) is closed, so a stop never hangs.
      const force = setTimeout(() => {
        app.server.closeAllConnections();
        metricsServer?.server.closeAllConnections();
        federationServer?.server.closeAllConnections();
      }, CLOSE_GRACE_MS);
      try {
        if (metricsServer) await new Promise<void>((done) => metricsServer.server.close(() => done()));
        if (federationServer) await new Promise<void>((done) => federationServer.server.close(() => done()));
        await app.close();
      } finally {
        clearTimeout(force);
      }
      await node.close();
    },
  };
}

/** PARLEY_LEASE_MS: a lease's duration, 1 s to 5 min (default 10 s). */
function leaseTtlFromEnv(): number {
  const ms = Number(process.env.PARLEY_LEASE_MS);
  return Number.isInteger(ms) && ms >= 1000 && ms <= 300_000 ? ms : DEFAULT_LEASE_TTL_MS;
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

/**
 * With a mutual-TLS federation listener, the federation routes answer there only: on the API
 * listener (no client certificate asked for) they are refused before anything is read.
 */
function refuseFederationWithoutClientCertificate(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/federation/')) return;
    if ((request.raw.socket as Partial<TLSSocket>).authorized === true) return;
    return reply.code(403).send({
      error: {
        code: 'client_certificate_required',
        message: 'federation requests go to the federation listener, with a client certificate its CA issued',
      },
    });
  });
}

/**
 * The federation routes on their own HTTPS listener that asks every client for a certificate
 * and completes the handshake only with one issued by `clientCa` (mutual TLS): a peer without
 * one is refused at TLS, before any HTTP. Requests are handed to the same routes (and their
 * request-signature checks) as on the API listener; any other path is 404 here.
 */
async function listenForFederation(
  app: FastifyInstance,
  tls: { cert: string; key: string } | undefined,
  at: { host: string; port: number; clientCa: string },
  limits: Partial<ConnectionLimits> | undefined,
): Promise<{ server: Server; port: number }> {
  if (!tls) throw new Error('a mutual-TLS federation listener needs the TLS certificate and key');
  const server = createTlsServer(
    {
      cert: tls.cert,
      key: tls.key,
      ca: at.clientCa,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (request, response) => {
      if (!(request.url ?? '').startsWith('/federation/')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ error: { code: 'not_found', message: 'only federation routes here' } }),
        );
        return;
      }
      app.routing(request, response);
    },
  );
  server.headersTimeout = limits?.headersTimeoutMs ?? app.server.headersTimeout;
  server.requestTimeout = limits?.requestTimeoutMs ?? app.server.requestTimeout;
  server.keepAliveTimeout = limits?.keepAliveTimeoutMs ?? app.server.keepAliveTimeout;
  server.maxConnections = limits?.maxConnections ?? app.server.maxConnections ?? 1000;
  await new Promise<void>((done, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => done());
  });
  const address = server.address();
  return {
    server: server as unknown as Server,
    port: typeof address === 'object' && address ? address.port : at.port,
  };
}
