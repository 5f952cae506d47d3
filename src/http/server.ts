/**
 * The node's HTTP API (Fastify). Every route validates its input with the zod schemas in
 * schemas.ts, authenticates (except login, health and metrics), and answers errors in one shape:
 * `{"error": {"code", "message"}}`.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { LoginLimiter } from '../workflows/directory/login-limiter.js';
import type { PasskeySettings } from '../workflows/directory/passkeys-policy.js';
import type { ParleyNode } from '../node/parley-node.js';
import { authenticate, type Authenticated } from './authenticate.js';
import { registerErrorHandling } from './error-mapping.js';
import { documentIdempotencyKey, installIdempotency } from './idempotency.js';
import { installJsonBodyParser } from './json-body.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './limits.js';
import { Metrics } from './metrics.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerChannelRoutes } from './routes/channels.js';
import { registerEventRoutes } from './routes/events.js';
import { registerBriefingRoutes } from './routes/briefings.js';
import { registerContactRoutes } from './routes/contacts.js';
import { registerFederationRoutes, type FederationParts } from './routes/federation.js';
import { registerDirectoryRoutes } from './routes/directory.js';
import { registerLanguageRoutes } from './routes/language.js';
import { registerObligationRoutes } from './routes/obligations.js';
import { registerAlertingRoutes } from './routes/alerting.js';
import { registerOversightRoutes } from './routes/oversight.js';
import { registerPasskeyRoutes } from './routes/passkeys.js';
import { registerProofRoutes } from './routes/proofs.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerStatementRoutes } from './routes/statements.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerWebRoutes } from './routes/web.js';

export interface ServerOptions {
  /** The node-to-node API; absent, the node serves only its own users. */
  federation?: FederationParts;
  logger: Logger | false;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Mark cookies Secure (set when serving over TLS). */
  secureCookies?: boolean;
  sessionTtlMs?: number;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  loginLimit?: { maxFailures: number; windowMs: number };
  /** Time and connection limits of the listener (defaults: DEFAULT_CONNECTION_LIMITS). */
  limits?: Partial<ConnectionLimits>;
  /**
   * Who may read /metrics on this listener: holders of this Bearer token. Without a token it
   * answers 404 here (serve it on a separate, private listener instead: run-server.ts).
   */
  metricsToken?: string;
  /** Passkey settings (workflows/directory/passkeys-policy.ts); absent or null: passkeys off. */
  passkeys?: PasskeySettings | null;
}

/** A year, as browsers expect for HSTS; sent only over TLS (RFC 6797 §7.2). */
const HSTS = 'max-age=31536000';

export type ParleyApp = FastifyInstance;
export { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits };

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
  interface FastifyInstance {
    /** The node's metrics, for a separate metrics listener (run-server.ts). */
    parleyMetrics: Metrics;
  }
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export async function buildServer(node: ParleyNode, options: ServerOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
  // Node checks the header and request timeouts on this interval (default 30 s): check often
  // enough that a short configured timeout is honoured.
  const checking = {
    connectionsCheckingInterval: Math.max(
      100,
      Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 2)),
    ),
  };
  const app = Fastify({
    loggerInstance: options.logger === false ? undefined : options.logger,
    logger: options.logger === false ? false : undefined,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Per-request lines would dominate the log at thousands of appends a second; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    ...(options.tls
      ? {
          https: {
            cert: options.tls.cert,
            key: options.tls.key,
            minVersion: 'TLSv1.2' as const,
            ...checking,
          },
        }
      : { http: checking }),
  }) as unknown as FastifyInstance;
  app.server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  app.server.maxConnections = limits.maxConnections;
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API (OpenAPI); handlers are typed against them, so responses
  // are serialised directly rather than validated again at run time on every request.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorateRequest('auth', null);
  // The API speaks JSON only; anything else is refused with 415 rather than parsed as text.
  app.removeContentTypeParser('text/plain');
  // The exact body text is kept for the idempotency fingerprint (idempotency.ts).
  installJsonBodyParser(app, { keepRawBody: true });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Parley node API',
        version: '1.0.0',
        description:
          'Signed, durable channel logs of one party. Errors: {"error": {"code", "message"}}. ' +
          'Every authenticated write accepts an `Idempotency-Key` header (1 to 255 printable ASCII ' +
          'characters): a retry with the same key and request gets the first answer back, ' +
          'marked `Idempotent-Replayed: true`, and writes nothing.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'parley_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: documentIdempotencyKey(jsonSchemaTransform),
    transformObject: jsonSchemaTransformObject,
  });

  const metrics = new Metrics(node);
  app.decorate('parleyMetrics', metrics);
  metrics.watchEvidence(node);
  metrics.watchEscalations(node);
  if (options.federation) {
    const { replicator } = options.federation;
    metrics.watchLinks(() => replicator.links());
  }
  registerErrorHandling(app, metrics);
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      request.routeOptions.url ?? 'unknown',
      request.method,
      reply.statusCode,
      reply.elapsedTime,
    );
    // A 503 with Retry-After is a deliberate, temporary refusal (recovering at start), not a failure.
    const refusal = reply.statusCode === 503 && reply.hasHeader('retry-after');
    if (reply.statusCode >= 500 && !refusal)
      request.log.error({ url: request.url, status: reply.statusCode }, 'request failed');
  });

  // API answers are private and never cached; browsers take them as the declared type only;
  // over TLS, browsers are told to use https from now on. Web assets set their own caching.
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (options.tls) void reply.header('strict-transport-security', HSTS);
    if (!isWebPath(request.url)) void reply.header('cache-control', 'no-store');
  });

  // Every route is authenticated unless it says it is public, and before its body is parsed.
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public) return;
    request.auth = await authenticate(request, node, Date.now(), {
      allowPendingFactor: request.routeOptions.config.pendingFactor === true,
    });
  });
  await installIdempotency(app, node);
  const limiter = new LoginLimiter(options.loginLimit ?? { maxFailures: 5, windowMs: 15 * 60_000 });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  registerSystemRoutes(typed, node, metrics, options.metricsToken);
  const sessionTtlMs = options.sessionTtlMs ?? 12 * 3600_000;
  const passkeys = options.passkeys ?? null;
  registerSessionRoutes(typed, node, {
    limiter,
    secureCookies: options.secureCookies ?? false,
    sessionTtlMs,
    passkeys,
  });
  registerPasskeyRoutes(typed, node, { settings: passkeys, sessionTtlMs });
  registerDirectoryRoutes(typed, node);
  registerAuditRoutes(typed, node);
  registerChannelRoutes(typed, node);
  registerEventRoutes(typed, node);
  registerOversightRoutes(typed, node);
  registerProofRoutes(typed, node);
  registerLanguageRoutes(typed, node);
  registerObligationRoutes(typed, node);
  registerSearchRoutes(typed, node);
  registerAlertingRoutes(typed, node);
  registerStatementRoutes(typed, node);
  registerBriefingRoutes(typed, node);
  registerContactRoutes(typed, node);
  if (options.federation) registerFederationRoutes(typed, options.federation);
  registerWebRoutes(typed);
  return app;
}

/** Paths of the web console (routes/web.ts), which sets its own caching. */
function isWebPath(path: string): boolean {
  return !/^\/(api|federation|healthz|metrics|openapi\.json)(\/|\?|$)/.test(path);
}
