/**
 * The node-to-node API. Identity is public (peers compare its fingerprint with the one exchanged
 * out of band); everything else must be signed by a pinned peer's node key (see
 * federation/request-signing.ts), is rate-limited per peer, and takes JSON only. Every refusal is
 * logged as a warning.
 *
 * The order matters against forged traffic: the signature headers (sender a pinned peer,
 * addressed here, timestamp in the window, signature well-formed) are checked before any body
 * byte is read, and the signature over the body is verified on the raw bytes before the body is
 * parsed, so a forged push costs at most reading its bytes, never building its JSON.
 */
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canManage } from '../../core/policy.js';
import { fingerprint } from '../../core/keys.js';
import { ParleyError } from '../../core/errors.js';
import type { Federation } from '../../federation/federation.js';
import { acceptNodeKeyRotations, pinPeer } from '../../federation/pin-peer.js';
import { toWire } from '../../federation/replicator.js';
import {
  NonceCache,
  precheckRequest,
  RequestRefusedError,
  verifyRequest,
  FEDERATION_HEADERS,
} from '../../federation/request-signing.js';
import {
  FEDERATION_PATHS,
  chainPageParamsSchema,
  chainPageQuerySchema,
  heartbeatRequestSchema,
  heartbeatResponseSchema,
  identityResponseSchema,
  nodeKeyRotationRequestSchema,
  pushRequestSchema,
  pushResultSchema,
  type ChainPage,
} from '../../federation/wire.js';
import type { Peer } from '../../storage/storage.js';
import { errorSchema, partySchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { JsonBodyError, parseJsonBody } from '../json-body.js';

const FEDERATION_BODY_LIMIT = 32 * 1024 * 1024;
/** Requests a peer may make per window before it is told to slow down. */
const RATE_LIMIT = {
  // PARLEY_FEDERATION_MAX_REQUESTS lowers or raises it (per peer, per 10 s window).
  requests: federationLimit(process.env.PARLEY_FEDERATION_MAX_REQUESTS),
  windowMs: 10_000,
};

/** A base64 Ed25519 signature (64 bytes); anything else is refused before the body is read. */
const SIGNATURE_FORMAT = /^[A-Za-z0-9+/]{86}==$/;

/**
 * Large bodies (over LARGE_BODY bytes) read at once per claimed sender. Reading a body is the one
 * cost a forger naming a pinned peer can impose before the signature is verified; an honest peer
 * pushes one batch at a time (replicator.ts), so a few is plenty.
 */
const LARGE_BODY = 1024 * 1024;
const MAX_LARGE_BODIES_PER_PEER = 4;

/** PARLEY_INSECURE_PEERS=1: POST /api/v1/peers may pin http:// peers beyond loopback. */
const insecurePeersAllowed = (): boolean => process.env.PARLEY_INSECURE_PEERS === '1';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function federationLimit(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 10 ? parsed : 2000;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
    peer?: Peer;
  }
}

/** What the routes use of a node's federation (createFederation). */
export type FederationParts = Pick<Federation, 'context' | 'receiver' | 'replicator'>;

export function registerFederationRoutes(app: TypedApp, parts: FederationParts): void {
  const { context } = parts;
  app.get(
    FEDERATION_PATHS.identity,
    {
      config: { public: true },
      schema: {
        summary:
          "This node's party and node key, for peers to compare with the fingerprint given out of band",
        tags: ['federation'],
        security: [],
        response: { 200: identityResponseSchema },
      },
    },
    async () => ({
      party: context.party,
      partyName: context.partyName,
      nodePublicKey: context.nodePublicKey,
      fingerprint: context.fingerprint,
    }),
  );

  // Self-authenticating (each statement is signed by the key it replaces), so it needs no request
  // signature, which the peer could not verify before it moved its pin; small and capped.
  app.post(
    FEDERATION_PATHS.nodeKeyRotation,
    {
      config: { public: true },
      bodyLimit: 64 * 1024,
      schema: {
        summary:
          "A peer's node key rotations, each signed by the key it replaces: the pin moves to the new key, or nothing changes",
        tags: ['federation'],
        security: [],
        body: nodeKeyRotationRequestSchema,
        response: {
          200: z.object({ party: z.string(), fingerprint: z.string(), accepted: z.number() }),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request) => {
      try {
        const { party, rotations } = request.body;
        const result = await acceptNodeKeyRotations(context, party, rotations, parts.replicator);
        if (result.accepted > 0) request.log.warn(result, 'peer node key rotated; pin moved to the new key');
        return result;
      } catch (error) {
        request.log.warn(
          { from: request.body.party, ip: request.ip, reason: (error as Error).message },
          'node key rotation refused',
        );
        throw error;
      }
    },
  );

  app.post(
    '/api/v1/peers',
    {
      schema: {
        summary:
          'Pin a peer node (admin): refused unless the key it presents matches the fingerprint its operators gave out of band',
        tags: ['federation'],
        body: z.strictObject({
          url: z.string().min(1).max(2000),
          party: partySchema,
          fingerprint: z.string().min(10).max(200),
          /** For https peers: the one certificate (or CA) trusted for this peer, PEM. */
          tlsCa: z.string().min(1).max(20_000).optional(),
        }),
        response: {
          201: z.object({ party: z.string(), name: z.string(), url: z.string(), fingerprint: z.string() }),
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const actor = authOf(request).principal;
      if (!canManage(actor)) throw new ParleyError('forbidden', 'only administrators pin peers');
      const { url, party, fingerprint: expected, tlsCa } = request.body;
      const peer = await pinPeer(context, {
        url,
        party,
        fingerprint: expected,
        tlsCa: tlsCa ?? null,
        by: actor.id,
        ip: request.ip,
        allowInsecureHttp: insecurePeersAllowed(),
      });
      if (peer.warning) request.log.warn({ peer: peer.party, url }, peer.warning);
      // Start replicating to it now rather than at the next peer check.
      parts.replicator.ensureLoop(peer);
      return reply
        .status(201)
        .send({ party: peer.party, name: peer.name, url: peer.url, fingerprint: peer.fingerprint });
    },
  );

  app.get(
    '/api/v1/peers',
    {
      schema: {
        summary: 'Pinned peers and the health of the link to each',
        tags: ['federation'],
        response: {
          200: z.object({
            peers: z.array(
              z.object({
                party: z.string(),
                name: z.string(),
                url: z.string(),
                fingerprint: z.string(),
                status: z.enum(['up', 'degraded', 'down', 'unknown']),
                since: z.number(),
                lastSuccess: z.number().nullable(),
                lastError: z.string().nullable(),
                rttMs: z.number().nullable(),
                pushed: z.number(),
                pulled: z.number(),
                lastLinkTest: z
                  .object({
                    at: z.number(),
                    ok: z.boolean(),
                    rttMs: z.number().nullable(),
                    error: z.string().nullable(),
                  })
                  .nullable(),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const links = new Map(parts.replicator.links().map((l) => [l.party, l]));
      const lastTests = new Map<
        string,
        { at: number; ok: boolean; rttMs: number | null; error: string | null }
      >();
      const pinned = await context.peers.listPeers();
      for (const peer of pinned) {
        const [last] = await context.peers.listLinkTests(peer.party, 1);
        if (last)
          lastTests.set(peer.party, { at: last.at, ok: last.ok, rttMs: last.rttMs, error: last.error });
      }
      const peers = pinned.map((peer) => {
        const link = links.get(peer.party);
        const test = lastTests.get(peer.party);
        // A failed link test newer than the last successful exchange marks an "up" link degraded.
        const failedSince = test && !test.ok && test.at > (link?.lastSuccess ?? 0);
        return {
          party: peer.party,
          name: peer.name,
          url: peer.url,
          fingerprint: fingerprint(peer.nodePublicKey),
          status:
            failedSince && link?.status === 'up'
              ? ('degraded' as const)
              : (link?.status ?? ('unknown' as const)),
          since: link?.since ?? peer.addedAt,
          lastSuccess: link?.lastSuccess ?? null,
          lastError: link?.lastError ?? null,
          rttMs: link?.rttMs ?? null,
          pushed: link?.pushed ?? 0,
          pulled: link?.pulled ?? 0,
          lastLinkTest: lastTests.get(peer.party) ?? null,
        };
      });
      return { peers };
    },
  );

  // Created as this process starts serving federation: requests signed earlier are refused, as a
  // predecessor process may have accepted them (request-signing.ts).
  const nonces = new NonceCache();
  // Only requests whose signature verified are counted, against the verified sender: counted by
  // the claimed `x-parley-from`, forged requests naming an honest peer would use up its allowance.
  const windows = new Map<string, { start: number; count: number }>();
  // Large bodies being read now, per claimed sender (MAX_LARGE_BODIES_PER_PEER).
  const largeBodies = new Map<string, number>();
  const tooManyRequests = (party: string): ParleyError =>
    new ParleyError(
      'too_many_requests',
      `too many federation requests from ${party}`,
      Math.ceil(RATE_LIMIT.windowMs / 1000),
    );

  void app.register(async (scope) => {
    const fed = scope.withTypeProvider<ZodTypeProvider>();
    // A peer already over its limit is refused before its body is read. Naming another peer here
    // cannot hurt it: that peer's count only grows with requests it signed itself.
    fed.addHook('onRequest', async (request) => {
      let claimed: string;
      try {
        claimed = precheckRequest(request.headers, context.party);
        const signature = request.headers[FEDERATION_HEADERS.signature];
        if (typeof signature !== 'string' || !SIGNATURE_FORMAT.test(signature)) {
          throw new RequestRefusedError('request_signature_invalid', 'the request signature is malformed');
        }
        if (!(await context.peers.getPeer(claimed))) {
          throw new RequestRefusedError('peer_unknown', `party ${claimed} is not a pinned peer of this node`);
        }
      } catch (error) {
        if (error instanceof RequestRefusedError) {
          request.log.warn(
            { from: request.headers[FEDERATION_HEADERS.from], ip: request.ip, code: error.code },
            'federation request refused',
          );
          throw new ParleyError(error.code, error.message);
        }
        throw error;
      }
      const window = windows.get(claimed);
      if (window && Date.now() - window.start <= RATE_LIMIT.windowMs && window.count > RATE_LIMIT.requests)
        throw tooManyRequests(claimed);
      if (Number(request.headers['content-length'] ?? 0) > LARGE_BODY) {
        const reading = largeBodies.get(claimed) ?? 0;
        if (reading >= MAX_LARGE_BODIES_PER_PEER) {
          request.log.warn(
            { from: claimed, ip: request.ip, code: 'too_many_requests' },
            'federation request refused',
          );
          throw new ParleyError(
            'too_many_requests',
            `too many large federation bodies at once from ${claimed}`,
            1,
          );
        }
        largeBodies.set(claimed, reading + 1);
        request.raw.once('close', () => {
          const left = (largeBodies.get(claimed) ?? 1) - 1;
          if (left > 0) largeBodies.set(claimed, left);
          else largeBodies.delete(claimed);
        });
      }
    });
    // Refusals by the body parser, the size limit and the schema (domain refusals log their own).
    fed.addHook('onError', async (request, _reply, error) => {
      if (error instanceof ParleyError || !error.statusCode || error.statusCode >= 500) return;
      request.log.warn(
        {
          from: request.headers[FEDERATION_HEADERS.from],
          ip: request.ip,
          status: error.statusCode,
          code: error.validation ? 'validation_failed' : error.code,
          reason: error.message,
        },
        'federation request refused',
      );
    });
    // Verifies the request's signature over the exact body text and counts it against the
    // verified sender; sets request.peer.
    const verifySigned = async (request: FastifyRequest, bodyText: string): Promise<void> => {
      const claimed = request.headers[FEDERATION_HEADERS.from];
      const peer = typeof claimed === 'string' ? await context.peers.getPeer(claimed) : null;
      try {
        verifyRequest(
          request.headers,
          { method: request.method, path: request.url, body: bodyText },
          context.party,
          (party) => (peer && peer.party === party ? peer.nodePublicKey : null),
          nonces,
        );
      } catch (error) {
        if (error instanceof RequestRefusedError) {
          request.log.warn({ from: claimed, ip: request.ip, code: error.code }, 'federation request refused');
          throw new ParleyError(error.code, error.message);
        }
        throw error;
      }
      const now = Date.now();
      const window = windows.get(peer!.party);
      if (!window || now - window.start > RATE_LIMIT.windowMs)
        windows.set(peer!.party, { start: now, count: 1 });
      else if (++window.count > RATE_LIMIT.requests) {
        // Once per window: the requests that follow are refused in onRequest, unlogged.
        if (window.count === RATE_LIMIT.requests + 1) {
          request.log.warn(
            { from: peer!.party, ip: request.ip, code: 'too_many_requests' },
            'federation request refused',
          );
        }
        throw tooManyRequests(peer!.party);
      }
      request.peer = peer!;
      // A peer that writes to this node is up (a node recovering at start only reads).
      if (request.method === 'POST') parts.replicator.peerHeard(peer!.party);
    };

    // The signature covers the exact body bytes: it is verified on them before they are parsed,
    // and they are kept beside the parsed value. Body rules are the API's (json-body.ts), refused
    // as parse errors so that the onError hook above logs them.
    fed.removeContentTypeParser('application/json');
    fed.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer' },
      async (request: FastifyRequest, body: Buffer) => {
        let text: string;
        try {
          text = UTF8.decode(body);
        } catch {
          throw Object.assign(new SyntaxError('it is not UTF-8'), { statusCode: 400 });
        }
        await verifySigned(request, text);
        try {
          const parsed = parseJsonBody(text);
          request.rawBody = parsed.text;
          return parsed.value;
        } catch (error) {
          if (error instanceof JsonBodyError)
            throw Object.assign(new SyntaxError(error.detail), { statusCode: 400 });
          throw error;
        }
      },
    );
    // Requests without a body (GET) are verified here, over the empty body.
    fed.addHook('preValidation', async (request) => {
      if (!request.peer) await verifySigned(request, request.rawBody ?? '');
    });

    fed.post(
      FEDERATION_PATHS.entries,
      {
        bodyLimit: FEDERATION_BODY_LIMIT,
        config: { public: true },
        schema: {
          summary: "Push entries of the sender's own chains; answers how much of each chain this node holds",
          tags: ['federation'],
          body: pushRequestSchema,
          response: {
            200: pushResultSchema,
            400: errorSchema,
            401: errorSchema,
            403: errorSchema,
            409: errorSchema,
            422: errorSchema,
          },
        },
      },
      async (request) => {
        try {
          const { entries, checkpoints, introductions } = request.body;
          return await parts.receiver.receive(request.peer!, entries, checkpoints, {
            ...(introductions ? { introductions } : {}),
          });
        } catch (error) {
          if (error instanceof ParleyError) {
            request.log.warn(
              { from: request.peer!.party, code: error.code, reason: error.message },
              'federation batch refused',
            );
          }
          throw error;
        }
      },
    );

    fed.post(
      FEDERATION_PATHS.heartbeat,
      {
        config: { public: true },
        schema: {
          summary: "Signed link test: answers with this node's clock so the sender can record the round trip",
          tags: ['federation'],
          body: heartbeatRequestSchema,
          response: { 200: heartbeatResponseSchema },
        },
      },
      async () => ({ party: context.party, at: Date.now() }),
    );

    fed.get(
      '/federation/v1/channels/:channel/chains/:party',
      {
        config: { public: true },
        schema: {
          summary:
            "Entries of this node's own chain in a channel the requesting peer shares (backfill), or of the peer's own chain as held here (recovery)",
          tags: ['federation'],
          params: chainPageParamsSchema,
          querystring: chainPageQuerySchema,
        },
      },
      async (request) => {
        const { channel: channelId, party } = request.params;
        const peer = request.peer!;
        const channel = await context.chains.getChannel(channelId);
        // This node's own chain (backfill), or the requesting peer's own chain as this node holds
        // it: a peer recovering after a restore reads back what it wrote (federation/recovery.ts).
        if (
          !channel ||
          (party !== context.party && party !== peer.party) ||
          !(channel.parties[peer.party] || channel.observers[peer.party])
        ) {
          throw new ParleyError(
            'channel_not_found',
            `no chain ${channelId}/${party} shared with ${peer.party}`,
          );
        }
        const head = await context.chains.getChainHead(channelId, party);
        if (!head)
          throw new ParleyError('channel_not_found', `${context.party} has not joined '${channelId}'`);
        const { from, limit } = request.query;
        const entries =
          from < head.size
            ? await context.chains.readChain(channelId, party, from, Math.min(limit, head.size - from))
            : [];
        const page: ChainPage = { entries: entries.map(toWire), checkpoint: head.checkpoint };
        return page;
      },
    );
  });
}
