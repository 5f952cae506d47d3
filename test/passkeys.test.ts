/**
 * Passkeys over real HTTP on 127.0.0.1, against a node with passkeys `optional` and one with
 * `required-for-heads-and-admins`, answered by a software authenticator (the browser test uses
 * Chromium's). Registration and the passkey step of a login; a session that owes its passkey
 * reaches nothing else; a wrong or spent challenge, an unknown credential, a replayed response,
 * a cloned authenticator's counter and a foreign origin are refused with 4xx and change nothing;
 * a head on the requiring node must register one before the session works; and `parley serve`
 * refuses passkeys without a proper public URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { openNode } from '../src/workflows/open-node.js';
import { passkeySettings, type PasskeyMode } from '../src/workflows/directory/passkeys-policy.js';
import { ParleyError } from '../src/core/errors.js';
import { PASSWORD, prepareNode, runCli, tempDir, type Fixture } from './support/node-process.js';
import { SoftAuthenticator, type SoftCredential } from './support/soft-authenticator.js';

const ORIGIN = 'https://parley.test';
const RP_ID = 'parley.test';

interface Party {
  fixture: Fixture;
  node: ParleyNode;
  server: RunningServer;
}

async function startWith(mode: PasskeyMode): Promise<Party> {
  const fixture = await prepareNode();
  const node = await openNode(fixture.dataDir);
  const settings = passkeySettings(mode, ORIGIN, 'Parley (RU)');
  const server = await startServer(node, {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    passkeys: settings,
  });
  return { fixture, node, server };
}

let optional: Party;
let required: Party;

beforeAll(async () => {
  [optional, required] = await Promise.all([
    startWith('optional'),
    startWith('required-for-heads-and-admins'),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.all([optional?.server.close(), required?.server.close()]);
});

/** The fields of the answers these tests read (each answer has some of them). */
interface Answer {
  error: { code: string; message: string };
  id: string;
  name: string;
  user: string;
  expiresAt: number;
  csrfToken: string;
  secondFactor: string;
  lastUsedAt: number | null;
  challenge: string;
  passkeys: Array<{ id: string; name: string; lastUsedAt: number | null }>;
  authenticatorSelection: { userVerification: string };
  excludeCredentials: Array<{ id: string }>;
  allowCredentials?: Array<{ id: string }>;
  [field: string]: unknown;
}

interface Call {
  status: number;
  body: Answer;
}

/** A browser-like session: the cookie and CSRF token of one login. */
interface Browser {
  cookie: string;
  csrf: string;
  login: Answer;
}

async function call(
  party: Party,
  method: string,
  path: string,
  options: { as?: Browser; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) {
    headers.cookie = options.as.cookie;
    headers['x-csrf-token'] = options.as.csrf;
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${party.server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

async function logIn(party: Party, user: string): Promise<Browser> {
  const response = await fetch(`${party.server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  const login = (await response.json()) as Answer;
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return { cookie, csrf: login.csrfToken, login };
}

async function register(party: Party, as: Browser, name: string, authenticator: SoftAuthenticator) {
  const options = await call(party, 'POST', '/api/v1/me/passkeys/options', { as });
  expect(options.status, JSON.stringify(options.body)).toBe(200);
  const { credential, response } = authenticator.create(options.body as { challenge: string });
  const registered = await call(party, 'POST', '/api/v1/me/passkeys', { as, body: { name, response } });
  return { options: options.body, credential, response, registered };
}

async function passkeyOptions(party: Party, as: Browser): Promise<{ challenge: string }> {
  const options = await call(party, 'POST', '/api/v1/session/passkey/options', { as });
  expect(options.status, JSON.stringify(options.body)).toBe(200);
  return options.body as { challenge: string };
}

/** Password, then passkey: a complete session. */
async function logInWithPasskey(party: Party, user: string, credential: SoftCredential): Promise<Browser> {
  const as = await logIn(party, user);
  expect(as.login.secondFactor).toBe('passkey');
  const response = authenticator.get(await passkeyOptions(party, as), credential);
  const done = await call(party, 'POST', '/api/v1/session/passkey', { as, body: { response } });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return as;
}

async function audit(party: Party, type: string): Promise<number> {
  return (await party.node.storage.listSecurityEvents({ action: type, limit: 1000 })).length;
}

const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);

describe('passkeys as a second factor (node setting: optional)', () => {
  let credential: SoftCredential;
  let credentialId: string;

  it('a duty officer without passkeys logs in with the password alone and registers one', async () => {
    const as = await logIn(optional, 'svr-duty');
    expect(as.login.secondFactor).toBe('none');
    const before = await call(optional, 'GET', '/api/v1/me/passkeys', { as });
    expect(before.body).toEqual({ mode: 'optional', required: false, passkeys: [] });
    const {
      registered,
      credential: made,
      options,
    } = await register(optional, as, 'office laptop', authenticator);
    expect(options.rp).toEqual({ id: RP_ID, name: 'Parley (RU)' });
    expect(options.authenticatorSelection.userVerification).toBe('required');
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    expect(registered.body).toMatchObject({ user: 'svr-duty', name: 'office laptop', lastUsedAt: null });
    credential = made;
    credentialId = registered.body.id as string;
    const after = await call(optional, 'GET', '/api/v1/me/passkeys', { as });
    expect(after.body.passkeys.map((p: { id: string }) => p.id)).toEqual([credentialId]);
    // The next registration excludes it, so an authenticator does not register twice.
    const next = await call(optional, 'POST', '/api/v1/me/passkeys/options', { as });
    expect(next.body.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([credentialId]);
    expect(await audit(optional, 'passkey_registered')).toBe(1);
  });

  it('refuses to register with a spent, foreign-origin or token-held ceremony, and writes nothing', async () => {
    const as = await logInWithPasskey(optional, 'svr-duty', credential);
    const first = await register(optional, as, 'second', authenticator);
    expect(first.registered.status).toBe(201);
    // The same answer again: its challenge is spent.
    const replay = await call(optional, 'POST', '/api/v1/me/passkeys', {
      as,
      body: { name: 'replayed', response: first.response },
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('passkey_challenge_invalid');
    // An answer made for another origin (a phishing page).
    const options = await call(optional, 'POST', '/api/v1/me/passkeys/options', { as });
    const phished = new SoftAuthenticator('https://parley-login.example', RP_ID).create(
      options.body as never,
    );
    const foreign = await call(optional, 'POST', '/api/v1/me/passkeys', {
      as,
      body: { name: 'phished', response: phished.response },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('passkey_invalid');
    expect(foreign.body.error.message).toMatch(/origin/i);
    // A made-up challenge.
    const madeUp = authenticator.create({ challenge: 'bm90LWEtY2hhbGxlbmdl' });
    const wrong = await call(optional, 'POST', '/api/v1/me/passkeys', {
      as,
      body: { name: 'made up', response: madeUp.response },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('passkey_challenge_invalid');
    // A bearer token cannot add a passkey (a stolen token must not change how one logs in).
    const token = await call(optional, 'POST', '/api/v1/me/passkeys/options', {
      token: optional.fixture.tokens['svr-duty'],
    });
    expect(token.status).toBe(403);
    expect(token.body.error.code).toBe('passkey_needs_session');
    // Bad input names the field.
    const bad = await call(optional, 'POST', '/api/v1/me/passkeys', {
      as,
      body: { name: '', response: { id: 'not base64!' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/name|id/);
    const list = await call(optional, 'GET', '/api/v1/me/passkeys', { as });
    expect(list.body.passkeys.map((p: { name: string }) => p.name)).toEqual(['office laptop', 'second']);
    // Remove the second again; rename the first.
    const second = list.body.passkeys[1]!.id;
    expect((await call(optional, 'DELETE', `/api/v1/me/passkeys/${second}`, { as })).status).toBe(204);
    const renamed = await call(optional, 'PATCH', `/api/v1/me/passkeys/${credentialId}`, {
      as,
      body: { name: 'laptop' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('laptop');
    // Nobody else's passkey can be touched.
    const other = await logIn(optional, 'svr-head');
    expect(
      (await call(optional, 'DELETE', `/api/v1/me/passkeys/${credentialId}`, { as: other })).status,
    ).toBe(404);
  });

  it('with a passkey, the password alone opens a session that reaches nothing until the passkey step', async () => {
    const as = await logIn(optional, 'svr-duty');
    expect(as.login.secondFactor).toBe('passkey');
    expect(as.login.expiresAt - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const me = await call(optional, 'GET', '/api/v1/me', { as });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('passkey_required');
    expect((await call(optional, 'GET', '/api/v1/channels', { as })).status).toBe(401);
    expect((await call(optional, 'POST', '/api/v1/me/passkeys/options', { as })).body.error.code).toBe(
      'passkey_required',
    );

    const options = await passkeyOptions(optional, as);
    const allow = (options as { allowCredentials?: Array<{ id: string }> }).allowCredentials ?? [];
    expect(allow.map((c) => c.id)).toEqual([credentialId]);
    const done = await call(optional, 'POST', '/api/v1/session/passkey', {
      as,
      body: { response: authenticator.get(options, credential) },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ user: 'svr-duty', secondFactor: 'none' });
    expect(done.body.expiresAt - Date.now()).toBeGreaterThan(11 * 3600_000);
    expect((await call(optional, 'GET', '/api/v1/me', { as })).status).toBe(200);
    const [passkey] = (await call(optional, 'GET', '/api/v1/me/passkeys', { as })).body.passkeys;
    expect(passkey!.lastUsedAt).toBeGreaterThan(0);
    const stored = await optional.node.storage.getPasskey(credentialId);
    expect(stored?.counter).toBe(credential.counter);
  });

  it('refuses a wrong challenge, an unknown credential, a replay and a cloned counter, and completes nothing', async () => {
    const as = await logIn(optional, 'svr-duty');
    const counterBefore = (await optional.node.storage.getPasskey(credentialId))!.counter;
    const failedBefore = await audit(optional, 'passkey_login_failed');
    const refuse = async (response: unknown, status: number, code: string) => {
      const answer = await call(optional, 'POST', '/api/v1/session/passkey', { as, body: { response } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.body.error.code).toBe(code);
      expect((await call(optional, 'GET', '/api/v1/me', { as })).status).toBe(401);
    };

    // A challenge this session was never given.
    await passkeyOptions(optional, as);
    await refuse(
      authenticator.get({ challenge: 'c29tZS1vdGhlci1jaGFsbGVuZ2U' }, credential),
      400,
      'passkey_challenge_invalid',
    );
    // A credential that is not registered (here, or not for this person).
    const stranger = authenticator.newCredential();
    await refuse(authenticator.get(await passkeyOptions(optional, as), stranger), 400, 'passkey_unknown');
    // Replay: a valid answer, used once, then sent again.
    const options = await passkeyOptions(optional, as);
    const answer = authenticator.get(options, credential);
    const other = await logIn(optional, 'svr-duty');
    const first = await call(optional, 'POST', '/api/v1/session/passkey', {
      as: other,
      body: { response: answer },
    });
    expect(first.body.error.code).toBe('passkey_challenge_invalid'); // not the other session's challenge
    const idempotent = { 'idempotency-key': 'passkey-step-1' };
    const ok = await call(optional, 'POST', '/api/v1/session/passkey', {
      as,
      body: { response: answer },
      headers: idempotent,
    });
    expect(ok.status).toBe(200);
    // An Idempotency-Key does not make the node replay a ceremony's answer: it verifies again.
    const keyed = await call(optional, 'POST', '/api/v1/session/passkey', {
      as,
      body: { response: answer },
      headers: idempotent,
    });
    expect(keyed.status).toBe(409);
    const again = await logIn(optional, 'svr-duty');
    const replay = await call(optional, 'POST', '/api/v1/session/passkey', {
      as: again,
      body: { response: answer },
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('passkey_challenge_invalid');
    const replayed = await call(optional, 'POST', '/api/v1/session/passkey', {
      as,
      body: { response: answer },
    });
    expect(replayed.status).toBe(409); // that session is complete already
    // A clone: a fresh challenge signed with the right key but a counter already seen.
    const counterNow = (await optional.node.storage.getPasskey(credentialId))!.counter;
    expect(counterNow).toBe(credential.counter);
    expect(counterNow).toBeGreaterThan(counterBefore);
    const cloned = authenticator.get(await passkeyOptions(optional, again), credential, counterNow);
    const clone = await call(optional, 'POST', '/api/v1/session/passkey', {
      as: again,
      body: { response: cloned },
    });
    expect(clone.status).toBe(403);
    expect(clone.body.error.code).toBe('passkey_cloned');
    expect((await call(optional, 'GET', '/api/v1/me', { as: again })).status).toBe(401);
    expect((await optional.node.storage.getPasskey(credentialId))!.counter).toBe(counterNow);
    expect(await audit(optional, 'passkey_counter_regressed')).toBe(1);
    expect(await audit(optional, 'passkey_login_failed')).toBeGreaterThan(failedBefore);
    // Malformed bodies are refused by the schema, naming the field.
    const malformed = await call(optional, 'POST', '/api/v1/session/passkey', {
      as: again,
      body: { response: { ...cloned, type: 'password' } },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/type/);
    // The session still owes its passkey; logging out works.
    expect((await call(optional, 'DELETE', '/api/v1/session', { as: again })).status).toBe(204);
  });
});

describe('passkeys required for heads and admins', () => {
  it('a head without one is led to register one, and only then the session works', async () => {
    const as = await logIn(required, 'svr-head');
    expect(as.login.secondFactor).toBe('passkey-enrol');
    expect((await call(required, 'GET', '/api/v1/me', { as })).body.error.code).toBe('passkey_required');
    expect((await call(required, 'POST', '/api/v1/session/passkey/options', { as })).status).toBe(409);
    const { registered } = await register(required, as, 'head key', authenticator);
    expect(registered.status).toBe(201);
    expect((await call(required, 'GET', '/api/v1/me', { as })).status).toBe(200);
    const mine = await call(required, 'GET', '/api/v1/me/passkeys', { as });
    expect(mine.body).toMatchObject({ mode: 'required-for-heads-and-admins', required: true });
    // The last passkey of someone who must have one stays.
    const removed = await call(required, 'DELETE', `/api/v1/me/passkeys/${registered.body.id}`, { as });
    expect(removed.status).toBe(409);
    expect(removed.body.error.code).toBe('passkey_last_required');
    // An administrator removes it on the node's machine (a lost authenticator).
    const listed = runCli(['user', 'passkeys', 'svr-head', '--data-dir', required.fixture.dataDir, '--json']);
    // The server holds the database open; SQLite allows the CLI alongside it.
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((p: { name: string }) => p.name)).toEqual(['head key']);
    const cli = runCli([
      'user',
      'passkeys',
      'svr-head',
      '--remove',
      registered.body.id as string,
      '--data-dir',
      required.fixture.dataDir,
    ]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/passkey 'head key' of svr-head removed/);
    expect((await logIn(required, 'svr-head')).login.secondFactor).toBe('passkey-enrol');
  });

  it('a duty officer logs in with the password alone; a pending head cannot use an API route', async () => {
    expect((await logIn(required, 'svr-duty')).login.secondFactor).toBe('none');
    const as = await logIn(required, 'pres-head');
    const post = await call(required, 'POST', '/api/v1/channels/leaders/entries', {
      as,
      body: { kind: 'note', body: { text: 'not yet' } },
    });
    expect(post.status).toBe(401);
    expect(post.body.error.code).toBe('passkey_required');
  });
});

describe('passkey settings', () => {
  it('refuse a mode or public URL that passkeys cannot work with', () => {
    const refused = (mode: string, url?: string) => {
      try {
        passkeySettings(mode, url, 'x');
      } catch (error) {
        expect(error).toBeInstanceOf(ParleyError);
        return (error as ParleyError).message;
      }
      throw new Error(`accepted ${mode} ${url}`);
    };
    expect(passkeySettings(undefined, undefined, 'x')).toBeNull();
    expect(passkeySettings('off', 'http://10.0.0.1', 'x')).toBeNull();
    expect(refused('sometimes')).toMatch(/--passkeys 'sometimes' must be one of off, optional/);
    expect(refused('optional')).toMatch(/--public-url/);
    expect(refused('optional', 'http://parley.example.org')).toMatch(/https/);
    expect(refused('optional', 'https://10.1.2.3')).toMatch(/IP address/);
    expect(refused('optional', 'https://[::1]:8443')).toMatch(/IP address/);
    expect(refused('optional', 'https://parley.example.org/app')).toMatch(/without a path/);
    expect(refused('optional', 'not a url')).toMatch(/is not a URL/);
    expect(passkeySettings('optional', 'http://localhost:7410', 'x')).toMatchObject({
      rpId: 'localhost',
      origin: 'http://localhost:7410',
    });
    expect(
      passkeySettings('required-for-heads-and-admins', 'https://parley.example.org:8443/', 'x'),
    ).toMatchObject({
      rpId: 'parley.example.org',
      origin: 'https://parley.example.org:8443',
    });
  });

  it('parley serve refuses to start with passkeys but no public URL', () => {
    const result = runCli(['serve', '--data-dir', tempDir(), '--port', '0', '--passkeys', 'optional']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--passkeys optional needs the node's public URL/);
  });
});
