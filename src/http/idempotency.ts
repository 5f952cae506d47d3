/**
 * The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header) on every
 * authenticated write of the user API (POST, PUT, PATCH, DELETE; not the public routes, so not
 * the node-to-node API, whose pushes are idempotent by chain position anyway). A client that
 * re-sends a write after losing the answer, with the same key, gets the first answer again with
 * `Idempotent-Replayed: true`, and nothing is written twice. The rules are in
 * workflows/idempotency/keys.ts; this module is only how they sit in Fastify's request cycle:
 *
 * - preHandler (after authentication, body parsing and validation): claim the key or replay.
 *   Requests refused before that (401, malformed JSON, validation) write nothing and are not
 *   remembered, so a retry gets the same refusal anyway.
 * - onSend: the answer is stored before it is sent, so an answer the client could have seen
 *   survives a crash. Kept: 2xx, and 4xx refusals except those that may clear by themselves
 *   (408, 409, 425, 429); not kept (the claim is dropped, a retry runs again): 5xx.
 * - onResponse: a claim still open (the answer was not text, or storing it failed) is dropped.
 *
 * A node that stops mid-request leaves a claim without an answer; the next server start drops
 * such claims, so that request's retry runs again (the key cannot tell whether it had written).
 */
import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NodeContext } from '../workflows/context.js';
import {
  finishIdempotentRequest,
  purgeIdempotencyKeys,
  requestFingerprint,
  startIdempotentRequest,
  type IdempotentAnswer,
} from '../workflows/idempotency/keys.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Refusals a retry may get past without changing the request. */
const TRANSIENT_REFUSALS = new Set([408, 409, 425, 429]);
/** Expired keys are purged at most this often (and at start). */
const PURGE_INTERVAL_MS = 3600_000;

interface OpenClaim {
  principal: string;
  key: string;
  /** Set once the answer was stored or the claim dropped. */
  settled: boolean;
}

const claims = new WeakMap<FastifyRequest, OpenClaim>();

/** Whether an answer with this status is kept for replays. */
export function keepsAnswer(status: number): boolean {
  return (
    (status >= 200 && status < 300) || (status >= 400 && status < 500 && !TRANSIENT_REFUSALS.has(status))
  );
}

function answerOf(reply: FastifyReply, payload: unknown): IdempotentAnswer | null {
  if (!keepsAnswer(reply.statusCode)) return null;
  let body: string;
  if (typeof payload === 'string') body = payload;
  else if (Buffer.isBuffer(payload)) body = payload.toString('utf8');
  else if (payload === undefined || payload === null) body = '';
  else return null; // A stream: not kept.
  const type = reply.getHeader('content-type');
  return { status: reply.statusCode, contentType: typeof type === 'string' ? type : null, body };
}

/**
 * Installs the hooks on `app`; routes registered afterwards are covered. Drops the claims left by
 * a previous process and expired keys first.
 */
export async function installIdempotency(
  app: FastifyInstance,
  node: NodeContext,
  now: () => number = Date.now,
): Promise<void> {
  const startedAt = now();
  await purgeIdempotencyKeys(node, startedAt, startedAt);
  let lastPurge = startedAt;

  app.addHook('preHandler', async (request, reply) => {
    if (!WRITE_METHODS.has(request.method)) return;
    const key = request.headers[IDEMPOTENCY_HEADER];
    // The passkey ceremonies (routes/passkeys.ts) verify every answer afresh: never replayed.
    const ceremony = request.routeOptions.config.pendingFactor === true;
    if (key === undefined || request.routeOptions.config.public || ceremony || !request.auth) return;
    const at = now();
    if (at - lastPurge > PURGE_INTERVAL_MS) {
      lastPurge = at;
      // Housekeeping only: stale claims of this process would be younger than its start.
      await purgeIdempotencyKeys(node, at, startedAt);
    }
    const principal = request.auth.principal.id;
    const text = Array.isArray(key) ? key.join(', ') : key;
    const rawBody = (request as FastifyRequest & { rawBody?: string }).rawBody ?? '';
    const fingerprint = requestFingerprint(request.method, request.url, rawBody);
    const start = await startIdempotentRequest(node, principal, text, fingerprint, at);
    if (start.kind === 'claimed') {
      claims.set(request, { principal, key: text, settled: false });
      return;
    }
    void reply.code(start.status).header(REPLAYED_HEADER, 'true');
    if (start.contentType) void reply.header('content-type', start.contentType);
    return reply.send(start.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request);
    if (!claim || claim.settled) return payload;
    // Settled before storing: if storing fails, the error answer must not be stored instead.
    claim.settled = true;
    const answer = answerOf(reply, payload);
    try {
      await finishIdempotentRequest(node, claim.principal, claim.key, answer);
    } catch (error) {
      claim.settled = false; // onResponse drops the claim.
      throw error;
    }
    return payload;
  });

  app.addHook('onResponse', async (request) => {
    const claim = claims.get(request);
    if (!claim || claim.settled) return;
    claim.settled = true;
    await finishIdempotentRequest(node, claim.principal, claim.key, null).catch((error: unknown) => {
      request.log.error({ err: error }, 'could not drop an idempotency claim');
    });
  });
}

const HEADER_DOC = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[ -~]+$',
  description:
    'Optional. Retrying with the same key and the same request replays the first answer ' +
    '(`Idempotent-Replayed: true`) without writing again; the same key for another request is 422 ' +
    '`idempotency_key_reused`; while the first is still running, 409 `request_in_progress`. ' +
    'Keys are per user and remembered for 24 hours.',
};

/** Wraps the OpenAPI transform so every route the hooks cover documents the header. */
export function documentIdempotencyKey(transform: SwaggerTransform): SwaggerTransform {
  return (input) => {
    const out = transform(input);
    const methods = [input.route.method].flat();
    const config = input.route.config as { public?: boolean; pendingFactor?: boolean } | undefined;
    const uncovered = config?.public === true || config?.pendingFactor === true;
    if (uncovered || !methods.some((method) => WRITE_METHODS.has(method))) return out;
    const schema = { ...(out.schema as Record<string, unknown>) };
    const headers = (schema.headers ?? { type: 'object', properties: {} }) as {
      properties?: Record<string, unknown>;
    };
    schema.headers = { ...headers, properties: { ...headers.properties, 'Idempotency-Key': HEADER_DOC } };
    return { ...out, schema };
  };
}
