/**
 * The node-to-node API. Identity is public (peers compare its fingerprint with the one exchanged
 * out of band); everything else must be signed by a pinned peer's node key (see
 * federation/request-signing.ts), is rate-limited per peer, and takes JSON only. Every refusal is
 * logged as a warning.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fingerprint } from '../../core/keys.js';
import type { EntryReceiver } from '../../federation/receive-entries.js';
import {
  NonceCache,
  precheckRequest,
  RequestRefusedError,
  verifyRequest,
  FEDERATION_HEADERS,
} from '../../federation/request-signing.js';
import { toWire, type Replicator } from '../../federation/replicator.js';
import { ParleyError } from '../../core/errors.js';
import type { ParleyNode } from '../../node/parley-node.js';
import type { Peer } from '../../storage/storage.js';
import { errorSchema, idSchema, partySchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { installJsonBodyParser } from '../json-body.js';
import { MAX_INTRODUCTION_ENTRIES } from '../../federation/introduction.js';
import { pinPeer } from '../../federation/pin-peer.js';
import { canManage } from '../../core/policy.js';

const wireEntry = z.strictObject({
  channel: idSchema,
  party: partySchema,
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  canonical: z.string().min(2).max(300_000),
  sig: z.string().max(200),
});
const pushBody = z.strictObject({
  entries: z.array(wireEntry).max(2000),
  checkpoints: z
    .array(z.strictObject({ channel: idSchema, party: partySchema, note: z.string().max(20_000) }))
    .max(1000),
  /** For a channel the receiver joined later: the signed entries that prove it was added. */
  introductions: z
    .array(z.strictObject({ channel: idSchema, entries: z.array(wireEntry).max(MAX_INTRODUCTION_ENTRIES) }))
    .max(100)
    .optional(),
});
const FEDERATION_BODY_LIMIT = 32 * 1024 * 1024;
/** Requests a peer may make per window before it is told to slow down. */
const RATE_LIMIT = {
  // PARLEY_FEDERATION_MAX_REQUESTS lowers or raises it (per peer, per 10 s window).
  requests: federationLimit(process.env.PARLEY_FEDERATION_MAX_REQUESTS),
  windowMs: 10_000,
};

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

export interface FederationParts {
  receiver: EntryReceiver;
  replicator: Replicator;
}

export function registerFederationRoutes(app: TypedApp, node: ParleyNode, parts: FederationParts): void {
  app.get(
    '/federation/v1/identity',
    {
      config: { public: true },
      schema: {
        summary:
          "This node's party and node key, for peers to compare with the fingerprint given out of band",
        tags: ['federation'],
        security: [],
        response: {
          200: z.object({
            party: z.string(),
            partyName: z.string(),
            nodePublicKey: z.string(),
            fingerprint: z.string(),
          }),
        },
      },
    },
    async () => ({
      party: node.party,
      partyName: node.partyName,
      nodePublicKey: node.nodePublicKey,
      fingerprint: node.fingerprint,
    }),
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
      const peer = await pinPeer(node, {
        url,
        party,
        fingerprint: expected,
        tlsCa: tlsCa ?? null,
        by: actor.id,
        ip: request.ip,
      });
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
      const pinned = await node.storage.listPeers();
      for (const peer of pinned) {
        const [last] = await node.storage.listLinkTests(peer.party, 1);
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

  const nonces = new NonceCache();
  // Only requests whose signature verified are counted, against the verified sender: counted by
  // the claimed `x-parley-from`, forged requests naming an honest peer would use up its allowance.
  const windows = new Map<string, { start: number; count: number }>();
  const tooManyRequests = (party: string): ParleyError =>
    new ParleyError(
      'too_many_requests',
      `too many federation requests from ${party}`,
      Math.ceil(RATE_LIMIT.windowMs / 1000),
    );

  void app.register(async (scope) => {
    const fed = scope.withTypeProvider<ZodTypeProvider>();
    // The signature covers the exact body bytes, so keep them beside the parsed value; the body
    // rules are the API's, refused as parse errors so that the onError hook below logs them.
    installJsonBodyParser(fed, { keepRawBody: true, asParseErrors: true });
    // A peer already over its limit is refused before its body is read. Naming another peer here
    // cannot hurt it: that peer's count only grows with requests it signed itself.
    fed.addHook('onRequest', async (request) => {
      let claimed: string;
      try {
        claimed = precheckRequest(request.headers, node.party);
        if (!(await node.storage.getPeer(claimed))) {
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
    fed.addHook('preValidation', async (request) => {
      const claimed = request.headers[FEDERATION_HEADERS.from];
      const peer = typeof claimed === 'string' ? await node.storage.getPeer(claimed) : null;
      try {
        verifyRequest(
          request.headers,
          { method: request.method, path: request.url, body: request.rawBody ?? '' },
          node.party,
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
    });

    fed.post(
      '/federation/v1/entries',
      {
        bodyLimit: FEDERATION_BODY_LIMIT,
        config: { public: true },
        schema: {
          summary: "Push entries of the sender's own chains; answers how much of each chain this node holds",
          tags: ['federation'],
          body: pushBody,
          response: {
            200: z.object({
              held: z.record(z.string(), z.number()),
              cosigned: z.array(z.object({ channel: z.string(), party: z.string(), note: z.string() })),
            }),
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
      '/federation/v1/heartbeat',
      {
        config: { public: true },
        schema: {
          summary: "Signed link test: answers with this node's clock so the sender can record the round trip",
          tags: ['federation'],
          body: z.strictObject({ at: z.number().int().min(0), text: z.string().max(200) }),
          response: { 200: z.object({ party: z.string(), at: z.number() }) },
        },
      },
      async () => ({ party: node.party, at: Date.now() }),
    );

    fed.get(
      '/federation/v1/channels/:channel/chains/:party',
      {
        config: { public: true },
        schema: {
          summary: "Entries of this node's own chain in a channel the requesting peer shares (backfill)",
          tags: ['federation'],
          params: z.strictObject({ channel: idSchema, party: partySchema }),
          querystring: z.strictObject({
            from: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(2000).default(500),
          }),
        },
      },
      async (request) => {
        const { channel: channelId, party } = request.params;
        const peer = request.peer!;
        const channel = await node.storage.getChannel(channelId);
        if (
          !channel ||
          party !== node.party ||
          !(channel.parties[peer.party] || channel.observers[peer.party])
        ) {
          throw new ParleyError(
            'channel_not_found',
            `no chain ${channelId}/${party} shared with ${peer.party}`,
          );
        }
        const head = await node.storage.getChainHead(channelId, party);
        if (!head) throw new ParleyError('channel_not_found', `${node.party} has not joined '${channelId}'`);
        const { from, limit } = request.query;
        const entries =
          from < head.size
            ? await node.storage.readChain(channelId, party, from, Math.min(limit, head.size - from))
            : [];
        return { entries: entries.map(toWire), checkpoint: head.checkpoint };
      },
    );
  });
}
