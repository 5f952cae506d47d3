/**
 * Accounts, sessions and tokens over real HTTP on 127.0.0.1: a malformed cookie, token expiry,
 * listing and revocation, disabling accounts (their live streams end), password change, session
 * idle timeout, scrypt rehash at login, bounded hashing and a race-free login limiter.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { LOCAL_OPERATOR } from '../src/cli/local-node.js';
import { addPrincipal } from '../src/workflows/directory/commands.js';
import { hashSecret, newSecret } from '../src/workflows/directory/tokens.js';
import { openNode } from '../src/workflows/open-node.js';
import { PASSWORD, prepareNode, type Fixture } from './support/node-process.js';

let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;

beforeAll(async () => {
  fixture = await prepareNode();
  node = await openNode(fixture.dataDir);
  for (const id of ['acc-a', 'acc-b', 'acc-c', 'acc-d']) {
    await addPrincipal(node, LOCAL_OPERATOR, {
      id,
      office: 'svr',
      role: 'duty-officer',
      title: id,
      password: PASSWORD,
    });
  }
  server = await startServer(node, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
}, 240_000);

afterAll(async () => {
  await server?.close();
});

interface Call {
  status: number;
  body: Record<string, unknown> & Array<Record<string, unknown>>;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

async function logIn(user: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const login = await call('POST', '/api/v1/session', { body: { user, password } });
  expect(login.status).toBe(200);
  return { cookie: login.headers.get('set-cookie')!.split(';')[0]!, csrf: login.body.csrfToken as string };
}

const admin = () => fixture.tokens.admin!;

/** Opens a channel's live stream; `ended` resolves with the text received once the server ends it. */
async function openStream(
  headers: Record<string, string>,
): Promise<{ ended: Promise<string>; close: () => void }> {
  const abort = new AbortController();
  const response = await fetch(`${server.url}/api/v1/channels/intel/events`, {
    headers,
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value);
    }
  })().catch(() => 'aborted');
  return { ended, close: () => abort.abort() };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)),
  ]);
}

describe('session cookie', () => {
  it('answers a malformed cookie with 401, never 500', async () => {
    for (const cookie of ['parley_session=%E0%A4%A', 'parley_session=%', 'parley_session=%zz']) {
      const result = await call('GET', '/api/v1/me', { headers: { cookie } });
      expect(result.status).toBe(401);
      expect((result.body.error as { code: string }).code).toBe('unauthenticated');
    }
  });
});

describe('API tokens', () => {
  it('expire, are listed without secrets and revoked at once', async () => {
    const created = await call('POST', '/api/v1/tokens', {
      token: fixture.tokens['svr-head'],
      body: { label: 'script', expiresInSeconds: 3600 },
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    const id = created.body.id as string;
    expect(created.body.expiresAt).toBeGreaterThan(Date.now() + 3500_000);
    expect(created.body.expiresAt).toBeLessThan(Date.now() + 3700_000);

    const byDefault = await call('POST', '/api/v1/tokens', {
      token: fixture.tokens['svr-head'],
      body: { label: 'default' },
    });
    expect(byDefault.body.expiresAt).toBeGreaterThan(Date.now() + 89 * 24 * 3600_000);

    expect((await call('GET', '/api/v1/me', { token })).status).toBe(200); // now cached
    const listed = await call('GET', '/api/v1/tokens', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.map((t) => t.label)).toEqual(expect.arrayContaining(['script', 'default', 'test']));
    expect(listed.body.every((t) => t.user === 'svr-head')).toBe(true);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toContain(hashSecret(token));

    // Someone else's tokens are not theirs to list or revoke; an admin may.
    expect(
      (await call('GET', '/api/v1/tokens?user=svr-head', { token: fixture.tokens['svr-duty'] })).status,
    ).toBe(403);
    expect((await call('DELETE', `/api/v1/tokens/${id}`, { token: fixture.tokens['svr-duty'] })).status).toBe(
      404,
    );
    const all = await call('GET', '/api/v1/tokens?all=true', { token: admin() });
    expect(new Set(all.body.map((t) => t.user)).size).toBeGreaterThan(3);

    expect((await call('DELETE', `/api/v1/tokens/${id}`, { token })).status).toBe(204);
    expect((await call('GET', '/api/v1/me', { token })).status).toBe(401);
    const revokedByAdmin = byDefault.body.id as string;
    expect((await call('DELETE', `/api/v1/tokens/${revokedByAdmin}`, { token: admin() })).status).toBe(204);
    expect((await call('GET', '/api/v1/me', { token: byDefault.body.token as string })).status).toBe(401);
    const audit = await node.storage.listSecurityEvents({ limit: 100 });
    expect(audit.filter((e) => e.action === 'token_revoked')).toHaveLength(2);
  });

  it('stops working once expired', async () => {
    const token = newSecret('pat_');
    await node.storage.createApiToken({
      tokenHash: hashSecret(token),
      principal: 'svr-head',
      label: 'old',
      createdAt: Date.now() - 10_000,
      expiresAt: Date.now() - 1,
    });
    expect((await call('GET', '/api/v1/me', { token })).status).toBe(401);
    const listed = await call('GET', '/api/v1/tokens', { token: fixture.tokens['svr-head'] });
    expect(listed.body.find((t) => t.label === 'old')?.expired).toBe(true);
  });
});

describe('disabling an account', () => {
  it("ends the person's sessions, tokens and open live streams at once", async () => {
    const tokenCall = await call('POST', '/api/v1/tokens', { token: admin(), body: { label: 'x' } });
    expect(tokenCall.status).toBe(201);
    const { cookie } = await logIn('acc-a');
    const created = await node.storage.listApiTokens('acc-a');
    expect(created).toHaveLength(0);
    const issued = newSecret('pat_');
    await node.storage.createApiToken({
      tokenHash: hashSecret(issued),
      principal: 'acc-a',
      label: 't',
      createdAt: Date.now(),
      expiresAt: Date.now() + 3600_000,
    });
    const viaCookie = await openStream({ cookie });
    const viaToken = await openStream({ authorization: `Bearer ${issued}` });

    const refused = await call('POST', '/api/v1/users/acc-a/disable', { token: fixture.tokens['svr-head'] });
    expect(refused.status).toBe(403);
    const disabled = await call('POST', '/api/v1/users/acc-a/disable', { token: admin() });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);

    expect(await within(viaCookie.ended, 3000)).toContain('event: ended');
    expect(await within(viaToken.ended, 3000)).toContain('event: ended');
    expect((await call('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
    expect((await call('GET', '/api/v1/me', { token: issued })).status).toBe(401);
    const login = await call('POST', '/api/v1/session', { body: { user: 'acc-a', password: PASSWORD } });
    expect(login.status).toBe(401);

    expect((await call('POST', '/api/v1/users/acc-a/enable', { token: admin() })).status).toBe(200);
    await logIn('acc-a');
    expect((await call('POST', '/api/v1/users/admin/disable', { token: admin() })).status).toBe(400);
    const types = (await node.storage.listSecurityEvents({ limit: 100 })).map((e) => e.action);
    expect(types).toEqual(expect.arrayContaining(['account_disabled', 'account_enabled']));
  });

  it('ends the live stream of a session that logs out', async () => {
    const { cookie, csrf } = await logIn('acc-b');
    const stream = await openStream({ cookie });
    const other = await openStream({ authorization: `Bearer ${fixture.tokens['svr-duty']!}` });
    expect(
      (await call('DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': csrf } })).status,
    ).toBe(204);
    expect(await within(stream.ended, 3000)).toContain('event: ended');
    // Someone else's stream goes on.
    const stillOpen = await Promise.race([
      other.ended.then(() => 'ended'),
      new Promise((r) => setTimeout(() => r('open'), 300)),
    ]);
    expect(stillOpen).toBe('open');
    other.close();
  });
});

describe('password change', () => {
  it("needs the current password and ends the person's other sessions", async () => {
    const first = await logIn('acc-c');
    const second = await logIn('acc-c');
    const change = (current: string, next: string) =>
      call('POST', '/api/v1/me/password', {
        body: { current, next },
        headers: { cookie: first.cookie, 'x-csrf-token': first.csrf },
      });
    expect((await change('not the password', 'a new long password')).status).toBe(403);
    expect((await change(PASSWORD, 'short')).status).toBe(400);
    expect((await change(PASSWORD, 'a new long password')).status).toBe(204);
    expect((await call('GET', '/api/v1/me', { headers: { cookie: first.cookie } })).status).toBe(200);
    expect((await call('GET', '/api/v1/me', { headers: { cookie: second.cookie } })).status).toBe(401);
    const old = await call('POST', '/api/v1/session', { body: { user: 'acc-c', password: PASSWORD } });
    expect(old.status).toBe(401);
    await logIn('acc-c', 'a new long password');
    expect(
      (await node.storage.listSecurityEvents({ limit: 100 })).some((e) => e.action === 'password_changed'),
    ).toBe(true);
  });
});

describe('session timeouts', () => {
  it('ends a session idle for 30 minutes, and one past its ttl', async () => {
    const now = Date.now();
    const idle = newSecret();
    await node.storage.createSession({
      tokenHash: hashSecret(idle),
      principal: 'svr-head',
      csrfToken: 'c',
      createdAt: now - 40 * 60_000,
      expiresAt: now + 3600_000,
      lastSeenAt: now - 31 * 60_000,
    });
    const recent = newSecret();
    await node.storage.createSession({
      tokenHash: hashSecret(recent),
      principal: 'svr-head',
      csrfToken: 'c',
      createdAt: now - 40 * 60_000,
      expiresAt: now + 3600_000,
      lastSeenAt: now - 5 * 60_000,
    });
    const past = newSecret();
    await node.storage.createSession({
      tokenHash: hashSecret(past),
      principal: 'svr-head',
      csrfToken: 'c',
      createdAt: now - 13 * 3600_000,
      expiresAt: now - 1,
      lastSeenAt: now - 1000,
    });
    const me = (secret: string) =>
      call('GET', '/api/v1/me', { headers: { cookie: `parley_session=${secret}` } });
    expect((await me(idle)).status).toBe(401);
    expect((await me(past)).status).toBe(401);
    expect((await me(recent)).status).toBe(200);
    // The use moved its idle clock.
    expect((await node.storage.getSession(hashSecret(recent)))!.lastSeenAt).toBeGreaterThanOrEqual(now);
  });
});

describe('password hashing', () => {
  it('verifies a hash with older parameters and replaces it at login', async () => {
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD, salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const weak = `scrypt$N=32768,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
    await node.storage.setPasswordHash('acc-d', weak);
    await logIn('acc-d');
    const stored = (await node.storage.getPrincipal('acc-d'))!.passwordHash;
    expect(stored).toMatch(/^scrypt\$N=131072,r=8,p=1\$/);
    await logIn('acc-d');
  });

  it('refuses logins beyond the hashing queue with 503 and Retry-After', async () => {
    process.env.PARLEY_TRUST_PROXY = '1';
    try {
      const results = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          call('POST', '/api/v1/session', {
            body: { user: `nobody-${i}`, password: 'guess guess guess' },
            headers: { 'x-forwarded-for': `198.51.100.${i}` },
          }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
      expect(results.find((r) => r.status === 503)!.headers.get('retry-after')).toBe('1');
    } finally {
      delete process.env.PARLEY_TRUST_PROXY;
    }
  }, 60_000);
});

describe('login limiter', () => {
  it('evaluates at most the limit of concurrent wrong guesses', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        call('POST', '/api/v1/session', { body: { user: 'pres-head', password: 'wrong password!' } }),
      ),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(35);
    const failed = (await node.storage.listSecurityEvents({ limit: 500 })).filter(
      (e) => e.action === 'login_failed' && e.subject === 'pres-head',
    );
    expect(failed).toHaveLength(5);
  }, 30_000);

  it('slows an account guessed from many addresses without locking its owner out', async () => {
    process.env.PARLEY_TRUST_PROXY = '1';
    try {
      for (let i = 0; i < 5; i += 1) {
        const wrong = await call('POST', '/api/v1/session', {
          body: { user: 'svr-observer', password: 'wrong password!' },
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
        });
        expect(wrong.status).toBe(401);
      }
      // From a fresh address the account is slowed down (a short delay), not locked for the window.
      const slowed = await call('POST', '/api/v1/session', {
        body: { user: 'svr-observer', password: PASSWORD },
        headers: { 'x-forwarded-for': '203.0.113.99' },
      });
      expect(slowed.status).toBe(429);
      const wait = Number(slowed.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 50));
      const owner = await call('POST', '/api/v1/session', {
        body: { user: 'svr-observer', password: PASSWORD },
        headers: { 'x-forwarded-for': '203.0.113.99' },
      });
      expect(owner.status).toBe(200);
    } finally {
      delete process.env.PARLEY_TRUST_PROXY;
    }
  }, 30_000);
});
