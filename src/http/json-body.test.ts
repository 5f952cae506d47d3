/**
 * The JSON body parser on its own: what it refuses and with which code, and how it reports in a
 * scope that keeps the raw body and logs parse errors (the federation API).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ParleyError } from '../core/errors.js';
import { JsonBodyError, installJsonBodyParser, parseJsonBody } from './json-body.js';

function refusal(body: string | Uint8Array): { code: string; message: string } | null {
  try {
    parseJsonBody(body);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    return { code: (error as ParleyError).code, message: (error as ParleyError).message };
  }
}

describe('parseJsonBody', () => {
  it('returns the text and the value', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,"é"],"b":0.5}'))).toEqual({
      text: '{"a":[1,"é"],"b":0.5}',
      value: { a: [1, 'é'], b: 0.5 },
    });
  });

  it.each([
    ['not JSON', '{"a":', /^request body is not valid JSON: unexpected end of text/],
    ['a repeated name', '{"a":1,"a":2}', /duplicate member name "a"/],
    ['invalid UTF-8', Buffer.from([0x22, 0xff, 0x22]), /it is not UTF-8$/],
    ['an encoded surrogate (CESU-8)', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), /it is not UTF-8$/],
  ])('refuses %s as malformed_json', (_, body, message) => {
    const refused = refusal(body);
    expect(refused?.code).toBe('malformed_json');
    expect(refused?.message).toMatch(message);
  });

  it.each([
    ['a lone surrogate', '{"fields":{"x":"\\ud800"}}', 'body.fields.x: lone surrogate in string'],
    ['a non-ASCII key', '{"fields":{"é":1}}', 'body.fields: object key "é" is not printable ASCII'],
    ['an unsafe integer', '[9007199254740993]', 'body[0]: only safe integers are allowed'],
    ['a top-level lone surrogate', '"\\udfff"', 'body: lone surrogate in string'],
  ])('refuses %s as body_invalid, naming the path', (_, body, message) => {
    expect(refusal(body)).toEqual({ code: 'body_invalid', message });
  });
});

describe('installJsonBodyParser', () => {
  const apps: FastifyInstance[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  async function echo(options: Parameters<typeof installJsonBodyParser>[1]) {
    const app = Fastify();
    apps.push(app);
    installJsonBodyParser(app, options);
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      void reply.status(error instanceof ParleyError ? error.status : (error.statusCode ?? 500)).send({
        kind: error instanceof JsonBodyError ? 'body' : error.constructor.name,
        message: error.message,
      });
    });
    app.post('/', async (request) => ({
      body: request.body,
      raw: (request as { rawBody?: string }).rawBody ?? null,
    }));
    await app.ready();
    return (payload: string) =>
      app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload });
  }

  it('parses bodies for the routes of the app', async () => {
    const post = await echo({});
    const ok = await post('{"a":1}');
    expect(ok.json()).toEqual({ body: { a: 1 }, raw: null });
    const refused = await post('{"a":1,"a":1}');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().kind).toBe('body');
    expect((await post('')).statusCode).toBe(400);
  });

  it('keeps the raw text and refuses with plain parse errors when asked', async () => {
    const post = await echo({ keepRawBody: true, asParseErrors: true });
    expect((await post('{ "a" : 1 }')).json()).toEqual({ body: { a: 1 }, raw: '{ "a" : 1 }' });
    const refused = await post('{"a":"\\ud800"}');
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ kind: 'SyntaxError', message: 'body.a: lone surrogate in string' });
  });
});
