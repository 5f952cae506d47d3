/**
 * The idempotency hooks in Fastify's request cycle, on a bare app with an in-memory store: what is
 * kept (2xx, lasting 4xx), what is not (5xx, transient 4xx, streams), and which routes are covered.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { IdempotencyClaim, IdempotencyRecord } from '../storage/storage.js';
import type { NodeContext } from '../workflows/context.js';
import { checkIdempotencyKey } from '../workflows/idempotency/keys.js';
import { installIdempotency, keepsAnswer } from './idempotency.js';
import type { Authenticated } from './authenticate.js';

function memoryStore() {
  const records = new Map<string, IdempotencyRecord>();
  const id = (principal: string, key: string) => `${principal}\n${key}`;
  return {
    records,
    async claimIdempotencyKey(claim: IdempotencyClaim) {
      const held = records.get(id(claim.principal, claim.key));
      if (held && held.expiresAt > claim.createdAt) return held;
      records.set(id(claim.principal, claim.key), { ...claim, status: null, contentType: null, body: null });
      return null;
    },
    async completeIdempotencyKey(
      principal: string,
      key: string,
      answer: { status: number; contentType: string | null; body: string },
    ) {
      const held = records.get(id(principal, key));
      if (held && held.status === null) Object.assign(held, answer);
    },
    async releaseIdempotencyKey(principal: string, key: string) {
      if (records.get(id(principal, key))?.status === null) records.delete(id(principal, key));
    },
    async purgeIdempotencyKeys() {
      return 0;
    },
  };
}

async function appWithCounter(): Promise<{ app: FastifyInstance; runs: () => number }> {
  const app = Fastify();
  let runs = 0;
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public) return;
    request.auth = { principal: { id: 'alice' }, via: 'token' } as Authenticated;
  });
  await installIdempotency(app, { storage: memoryStore() } as unknown as NodeContext);
  app.post('/ok', async (_request, reply) => reply.code(201).send({ run: ++runs }));
  app.post('/fails', async () => {
    runs += 1;
    throw new Error('boom');
  });
  app.post('/busy', async (_request, reply) => reply.code(429).send({ run: ++runs }));
  app.post('/stream', async (_request, reply) => {
    runs += 1;
    return reply.type('text/plain').send(Readable.from(['a', 'b']));
  });
  app.post('/public', { config: { public: true } }, async () => ({ run: ++runs }));
  app.get('/read', async () => ({ run: ++runs }));
  return { app, runs: () => runs };
}

describe('idempotency hooks', () => {
  const twice = async (app: FastifyInstance, method: 'GET' | 'POST', url: string) => {
    const headers = { 'idempotency-key': `k-${url}` };
    const first = await app.inject({ method, url, headers });
    const second = await app.inject({ method, url, headers });
    return { first, second };
  };

  it('replays a success without running the handler again', async () => {
    const { app, runs } = await appWithCounter();
    const { first, second } = await twice(app, 'POST', '/ok');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(runs()).toBe(1);
  });

  it('runs again after a 5xx, a 429 or a streamed answer', async () => {
    for (const url of ['/fails', '/busy', '/stream']) {
      const { app, runs } = await appWithCounter();
      const { second } = await twice(app, 'POST', url);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(runs()).toBe(2);
    }
  });

  it('leaves public routes and reads alone', async () => {
    for (const [method, url] of [
      ['POST', '/public'],
      ['GET', '/read'],
    ] as const) {
      const { app, runs } = await appWithCounter();
      await twice(app, method, url);
      expect(runs()).toBe(2);
    }
  });

  it('keeps 2xx and lasting 4xx answers only', () => {
    expect([200, 201, 204, 400, 403, 404, 422].every(keepsAnswer)).toBe(true);
    expect([301, 408, 409, 425, 429, 500, 503].some(keepsAnswer)).toBe(false);
  });

  it('accepts 1 to 255 printable ASCII characters as a key', () => {
    for (const key of ['a', ' spaced key ', '~'.repeat(255), 'f47ac10b-58cc-4372-a567-0e02b2c3d479']) {
      expect(() => checkIdempotencyKey(key)).not.toThrow();
    }
    for (const key of ['', 'x'.repeat(256), 'tab\t', 'é', '\u007f']) {
      expect(() => checkIdempotencyKey(key)).toThrow(/printable ASCII/);
    }
  });
});
