/**
 * The HTTP API over real HTTP on 127.0.0.1: authentication and authorisation, the error shape
 * and codes for bad input (with nothing written), receipts and the inbox, live updates, and the
 * operational endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { openNode } from '../src/workflows/open-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { PASSWORD, prepareNode, type Fixture } from './support/node-process.js';

let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;

beforeAll(async () => {
  fixture = await prepareNode();
  node = await openNode(fixture.dataDir);
  server = await startServer(node, {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    metricsToken: 'test-metrics-token',
  });
});

afterAll(async () => {
  await server?.close();
});

interface Call {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  };
}

const note = (text: string, extra: Record<string, unknown> = {}) => ({
  kind: 'note',
  precedence: 'PRIORITY',
  lang: 'ru',
  body: { text },
  ...extra,
});

/** Asserts an error response and that the store did not change. */
async function expectRefused(request: () => Promise<Call>, status: number, code: string): Promise<Call> {
  const before = await node.storage.countEntries();
  const result = await request();
  expect(result.status).toBe(status);
  expect(result.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(await node.storage.countEntries()).toBe(before);
  return result;
}

describe('authentication', () => {
  it('refuses requests without credentials, with a bad token, or with a malformed header', async () => {
    await expectRefused(() => call('GET', '/api/v1/channels'), 401, 'unauthenticated');
    await expectRefused(
      () => call('GET', '/api/v1/channels', { token: 'pat_notarealtoken000000' }),
      401,
      'unauthenticated',
    );
    await expectRefused(
      () => call('GET', '/api/v1/channels', { headers: { authorization: 'Basic abc' } }),
      401,
      'unauthenticated',
    );
    // Authentication comes before body parsing: an anonymous bad body is still a 401.
    await expectRefused(
      () => call('POST', '/api/v1/channels/intel/entries', { raw: '{nope' }),
      401,
      'unauthenticated',
    );
  });

  it('logs in with a password, sets a strict HttpOnly cookie and demands the CSRF token for writes', async () => {
    const login = await call('POST', '/api/v1/session', { body: { user: 'svr-duty', password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^parley_session=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
    const session = cookie.split(';')[0]!;
    const csrf = login.body.csrfToken as string;

    const me = await call('GET', '/api/v1/me', { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect((me.body.principal as { id: string }).id).toBe('svr-duty');

    await expectRefused(
      () => call('POST', '/api/v1/channels/intel/entries', { body: note('x'), headers: { cookie: session } }),
      403,
      'csrf_failed',
    );
    const written = await call('POST', '/api/v1/channels/intel/entries', {
      body: note('via cookie'),
      headers: { cookie: session, 'x-csrf-token': csrf },
    });
    expect(written.status).toBe(201);

    const logout = await call('DELETE', '/api/v1/session', {
      headers: { cookie: session, 'x-csrf-token': csrf },
    });
    expect(logout.status).toBe(204);
    await expectRefused(
      () => call('GET', '/api/v1/me', { headers: { cookie: session } }),
      401,
      'unauthenticated',
    );
  });

  it('rate-limits failed logins and records them in the audit log', async () => {
    for (let i = 0; i < 5; i += 1) {
      const wrong = await call('POST', '/api/v1/session', {
        body: { user: 'pres-head', password: 'wrong password!' },
      });
      expect(wrong.status).toBe(401);
      expect((wrong.body.error as { code: string }).code).toBe('invalid_credentials');
    }
    // Even the right password is refused while the account is throttled.
    const throttled = await call('POST', '/api/v1/session', {
      body: { user: 'pres-head', password: PASSWORD },
    });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const audit = await node.storage.listSecurityEvents({ limit: 50 });
    expect(audit.filter((e) => e.action === 'login_failed' && e.subject === 'pres-head')).toHaveLength(5);
    expect(audit.some((e) => e.action === 'login_throttled')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('wrong password');
  });

  it('creates API tokens that work as bearer credentials', async () => {
    const created = await call('POST', '/api/v1/tokens', {
      token: fixture.tokens['svr-head'],
      body: { label: 'script' },
    });
    expect(created.status).toBe(201);
    const me = await call('GET', '/api/v1/me', { token: created.body.token as string });
    expect((me.body.principal as { id: string }).id).toBe('svr-head');
  });
});

describe('authorisation', () => {
  it('hides channels from non-members and refuses their writes', async () => {
    const channels = await call('GET', '/api/v1/channels', { token: fixture.tokens['pres-head'] });
    expect((channels.body as unknown as Array<{ id: string }>).map((c) => c.id)).toEqual(['leaders']);
    await expectRefused(
      () =>
        call('POST', '/api/v1/channels/intel/entries', {
          token: fixture.tokens['pres-head'],
          body: note('x'),
        }),
      404,
      'channel_not_found',
    );
    await expectRefused(
      () => call('GET', '/api/v1/channels/intel/entries', { token: fixture.tokens['pres-head'] }),
      404,
      'channel_not_found',
    );
  });

  it('lets observers read but not write', async () => {
    const read = await call('GET', '/api/v1/channels/intel/entries', {
      token: fixture.tokens['svr-observer'],
    });
    expect(read.status).toBe(200);
    await expectRefused(
      () =>
        call('POST', '/api/v1/channels/intel/entries', {
          token: fixture.tokens['svr-observer'],
          body: note('x'),
        }),
      403,
      'forbidden',
    );
  });

  it('lets only administrators manage offices, users and channels', async () => {
    await expectRefused(
      () =>
        call('POST', '/api/v1/offices', { token: fixture.tokens['svr-head'], body: { id: 'x', name: 'X' } }),
      403,
      'forbidden',
    );
    await expectRefused(
      () =>
        call('POST', '/api/v1/users', {
          token: fixture.tokens['svr-head'],
          body: { id: 'u', office: 'svr', role: 'member', password: PASSWORD },
        }),
      403,
      'forbidden',
    );
    await expectRefused(
      () =>
        call('POST', '/api/v1/channels', {
          token: fixture.tokens['svr-head'],
          body: { id: 'c', name: 'C', offices: ['svr'], languages: ['en'] },
        }),
      403,
      'forbidden',
    );
    const office = await call('POST', '/api/v1/offices', {
      token: fixture.tokens.admin,
      body: { id: 'mfa', name: 'Ministry of Foreign Affairs' },
    });
    expect(office.status).toBe(201);
    const user = await call('POST', '/api/v1/users', {
      token: fixture.tokens.admin,
      body: {
        id: 'mfa-duty',
        office: 'mfa',
        role: 'duty-officer',
        title: 'Duty officer',
        password: PASSWORD,
      },
    });
    expect(user.status).toBe(201);
    expect(user.body).not.toHaveProperty('privateKey');
    expect(user.body).not.toHaveProperty('passwordHash');
    const channel = await call('POST', '/api/v1/channels', {
      token: fixture.tokens.admin,
      body: { id: 'mfa-line', name: 'MFA line', offices: ['mfa'], languages: ['ru'] },
    });
    expect(channel.status).toBe(201);
    await expectRefused(
      () =>
        call('POST', '/api/v1/offices', { token: fixture.tokens.admin, body: { id: 'mfa', name: 'again' } }),
      409,
      'already_exists',
    );
    await expectRefused(
      () =>
        call('POST', '/api/v1/users', {
          token: fixture.tokens.admin,
          body: { id: 'weak', office: 'mfa', role: 'member', password: 'short' },
        }),
      400,
      'password_too_weak',
    );
  });
});

describe('bad input is refused with a stable code and nothing is written', () => {
  const token = () => fixture.tokens['svr-duty']!;
  const post = (init: { body?: unknown; raw?: string; headers?: Record<string, string> }) => () =>
    call('POST', '/api/v1/channels/intel/entries', { token: token(), ...init });

  it('malformed JSON', () => expectRefused(post({ raw: '{"kind": "note", ' }), 400, 'malformed_json'));
  it('a body that is not JSON at all', () =>
    expectRefused(
      post({ raw: 'hello', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    ));
  it('wrong types', () =>
    expectRefused(post({ body: { kind: 'note', body: { text: 42 } } }), 400, 'body_invalid'));
  it('wrong top-level types', () =>
    expectRefused(post({ body: { kind: 7, body: {} } }), 400, 'validation_failed'));
  it('unknown top-level fields', async () => {
    const result = await expectRefused(
      post({ body: { ...note('x'), extra: true } }),
      400,
      'validation_failed',
    );
    expect((result.body.error as { message: string }).message).toContain('extra');
  });
  it('unknown body fields', () =>
    expectRefused(post({ body: note('x', { body: { text: 'x', colour: 'red' } }) }), 400, 'body_invalid'));
  it('invalid precedence', () =>
    expectRefused(post({ body: note('x', { precedence: 'URGENT' }) }), 400, 'validation_failed'));
  it('a malformed language tag', () =>
    expectRefused(post({ body: note('x', { lang: 'Russian' }) }), 400, 'validation_failed'));
  it("a language that is not the channel's", () =>
    expectRefused(post({ body: note('x', { lang: 'fr' }) }), 400, 'language_invalid'));
  it('an unknown kind', () =>
    expectRefused(post({ body: { kind: 'telegram', body: { text: 'x' } } }), 400, 'kind_unknown'));
  it('a kind only the node writes', () =>
    expectRefused(post({ body: { kind: 'charter', body: {} } }), 400, 'kind_not_allowed'));
  it('an oversize body', () =>
    expectRefused(post({ body: note('x'.repeat(270 * 1024)) }), 413, 'payload_too_large'));
  it('an empty text', () => expectRefused(post({ body: note('') }), 400, 'body_invalid'));
  it('an unknown channel', () =>
    expectRefused(
      () => call('POST', '/api/v1/channels/nowhere/entries', { token: token(), body: note('x') }),
      404,
      'channel_not_found',
    ));
  it('an invalid channel id', () =>
    expectRefused(
      () => call('POST', '/api/v1/channels/NOT%20AN%20ID/entries', { token: token(), body: note('x') }),
      400,
      'validation_failed',
    ));
  it('an unknown route', () =>
    expectRefused(() => call('GET', '/api/v1/nothing', { token: token() }), 404, 'not_found'));
});

describe('entries, receipts and the inbox', () => {
  it('appends a signed entry and returns it with its chain position', async () => {
    const result = await call('POST', '/api/v1/channels/intel/entries', {
      token: fixture.tokens['svr-head'],
      body: note('Уведомляем об учениях.', { precedence: 'FLASH' }),
    });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      channel: 'intel',
      party: 'RU',
      kind: 'note',
      precedence: 'FLASH',
      lang: 'ru',
      author: 'svr-head',
    });
    expect(result.body.hash).toMatch(/^[0-9a-f]{64}$/);
    const stored = await node.storage.getEntry('intel', 'RU', result.body.seq as number);
    expect(stored?.hash).toBe(result.body.hash);
  });

  it('lists the entry in the inbox of other members until they acknowledge it', async () => {
    const sent = await call('POST', '/api/v1/channels/intel/entries', {
      token: fixture.tokens['svr-head'],
      body: note('Please confirm.'),
    });
    const id = sent.body.id as string;
    const inbox = async (user: string) =>
      (
        (await call('GET', '/api/v1/inbox?channel=intel', { token: fixture.tokens[user] })).body
          .entries as Array<{ id: string }>
      ).map((e) => e.id);
    expect(await inbox('svr-duty')).toContain(id);
    expect(await inbox('svr-head')).not.toContain(id);
    const receipt = await call('POST', `/api/v1/channels/intel/entries/RU/${sent.body.seq}/receipts`, {
      token: fixture.tokens['svr-duty'],
      body: { level: 'understood', readBack: 'You ask us to confirm.', lang: 'en' },
    });
    expect(receipt.status).toBe(201);
    expect(receipt.body.lang).toBe('en');
    expect(receipt.body.body).toEqual({
      of: { party: 'RU', seq: sent.body.seq, hash: sent.body.hash },
      level: 'understood',
      readBack: 'You ask us to confirm.',
    });
    expect(await inbox('svr-duty')).not.toContain(id);
    expect(await inbox('svr-observer')).toContain(id);
  });

  it('refuses receipts for missing entries, wrong hashes and own entries', async () => {
    const t = fixture.tokens['svr-duty'];
    await expectRefused(
      () =>
        call('POST', '/api/v1/channels/intel/entries/RU/999999/receipts', {
          token: t,
          body: { level: 'read' },
        }),
      404,
      'entry_not_found',
    );
    await expectRefused(
      () =>
        call('POST', '/api/v1/channels/intel/entries', {
          token: t,
          body: {
            kind: 'receipt',
            body: { of: { party: 'RU', seq: 0, hash: '0'.repeat(64) }, level: 'read' },
          },
        }),
      400,
      'ref_invalid',
    );
    const own = await call('POST', '/api/v1/channels/intel/entries', { token: t, body: note('mine') });
    await expectRefused(
      () =>
        call('POST', `/api/v1/channels/intel/entries/RU/${own.body.seq}/receipts`, {
          token: t,
          body: { level: 'read' },
        }),
      400,
      'ref_invalid',
    );
    await expectRefused(
      () =>
        call('POST', '/api/v1/channels/intel/entries/RU/1/receipts', { token: t, body: { level: 'seen' } }),
      400,
      'validation_failed',
    );
  });

  it('pages through a channel in storage order', async () => {
    const first = await call('GET', '/api/v1/channels/intel/entries?limit=2', {
      token: fixture.tokens['svr-duty'],
    });
    const entries = first.body.entries as Array<{ cursor: number; seq: number }>;
    expect(entries).toHaveLength(2);
    expect(entries[0]!.seq).toBe(0);
    const next = await call('GET', `/api/v1/channels/intel/entries?after=${first.body.next}&limit=2`, {
      token: fixture.tokens['svr-duty'],
    });
    expect((next.body.entries as Array<{ cursor: number }>)[0]!.cursor).toBeGreaterThan(entries[1]!.cursor);
    await expectRefused(
      () => call('GET', '/api/v1/channels/intel/entries?limit=0', { token: fixture.tokens['svr-duty'] }),
      400,
      'validation_failed',
    );
  });
});

describe('live updates', () => {
  it('pushes a new entry to a subscribed client without polling', async () => {
    const controller = new AbortController();
    const head = await node.storage.getChainHead('intel', 'RU');
    const tail = await node.storage.readChannel('intel', 0, 100_000);
    const response = await fetch(`${server.url}/api/v1/channels/intel/events?after=${tail.at(-1)!.cursor}`, {
      headers: { authorization: `Bearer ${fixture.tokens['svr-duty']}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const sent = await call('POST', '/api/v1/channels/intel/entries', {
      token: fixture.tokens['svr-head'],
      body: note('live'),
    });
    while (!received.includes('event: entry')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    controller.abort();
    const data = JSON.parse(/data: (.*)\n/.exec(received)![1]!) as { id: string; seq: number };
    expect(data.id).toBe(sent.body.id);
    expect(data.seq).toBe(head!.size);
  });
});

describe('operations', () => {
  it('serves health, metrics and an OpenAPI document that lists the routes', async () => {
    expect((await call('GET', '/healthz')).body).toEqual({ status: 'ok', party: 'RU' });
    const metrics = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer test-metrics-token' },
    }).then((r) => r.text());
    expect(metrics).toContain('parley_http_requests_total');
    expect(metrics).toMatch(/parley_entries_committed_total \d+/);
    const openapi = (await call('GET', '/openapi.json')).body as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/channels/{channel}/entries',
        '/api/v1/session',
        '/api/v1/inbox',
        '/api/v1/channels/{channel}/events',
      ]),
    );
  });
});
