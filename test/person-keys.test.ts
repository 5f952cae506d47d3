/**
 * People's key custody against a real `parley serve` process: the stored key is sealed under
 * the person's password, so a copy of the database cannot sign; a login unlocks it for the
 * session, a token made by the logged-in person carries its own copy, and ending either destroys
 * it; a token made without the person's password reads but cannot sign (`key_locked`, nothing
 * written); a key from before sealing is sealed at the next login; a password change re-seals it;
 * an administrator's password reset gives the person a new key the node publishes.
 */
import { createPrivateKey } from 'node:crypto';
import Database from 'better-sqlite3';
import { databasePath } from '../src/node/data-dir.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signingKeyOf, unlockWithPassword } from '../src/workflows/directory/key-custody.js';
import { PASSWORD, prepareNode, runCli, startServe, type ServeProcess } from './support/node-process.js';

let dataDir: string;
let serve: ServeProcess;

beforeAll(async () => {
  ({ dataDir } = await prepareNode());
  serve = await startServe(dataDir);
}, 240_000);

afterAll(async () => {
  await serve?.stop();
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  auth: { token?: string; cookie?: string; csrf?: string } = {},
  body?: unknown,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.csrf) headers['x-csrf-token'] = auth.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${serve.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

async function logIn(user: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const login = await call('POST', '/api/v1/session', {}, { user, password });
  expect(login.status).toBe(200);
  return { cookie: login.headers.get('set-cookie')!.split(';')[0]!, csrf: login.body.csrfToken as string };
}

// Each login, unlock and seal is a scrypt of 128 MiB; the machine is shared.
vi.setConfig({ testTimeout: 180_000 });

const note = (text: string) => ({ kind: 'note', lang: 'en', body: { text } });
const send = (auth: Parameters<typeof call>[2], text: string) =>
  call('POST', '/api/v1/channels/intel/entries', auth, note(text));

function column(sql: string, ...args: unknown[]): unknown {
  const db = new Database(databasePath(dataDir), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get(...args) as Record<string, unknown> | undefined) ?? null;
  } finally {
    db.close();
  }
}

async function chainSize(): Promise<number> {
  const log = await call('GET', '/api/v1/channels/intel', { token: await localToken('admin') });
  return (log.body.heads as Array<{ party: string; size: number }> | undefined)?.[0]?.size ?? -1;
}

/** `parley token create <user>` on the node's machine, with or without the person's password. */
async function localToken(user: string, password?: string): Promise<string> {
  const env: Record<string, string> = password ? { PARLEY_PASSWORD: password } : { PARLEY_PASSWORD: '' };
  const result = runCli(['token', 'create', user, '--data-dir', dataDir, '--json'], env);
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { token: string }).token;
}

describe('a copy of the database cannot sign', () => {
  it('stores each key sealed under the password, not as a usable key', async () => {
    const row = column('SELECT private_key, public_key FROM principals WHERE id = ?', 'svr-head') as {
      private_key: string;
      public_key: string;
    };
    expect(row.private_key).toMatch(/^sealed-v1\$N=131072,r=8,p=1\$/);
    expect(() =>
      createPrivateKey({ key: Buffer.from(row.private_key, 'base64'), format: 'der', type: 'pkcs8' }),
    ).toThrow();
    // Opened as this node would open it, without the password: locked.
    const storage = SqliteStorage.open(databasePath(dataDir), { readonly: true });
    try {
      const stored = (await storage.getPrincipal('svr-head'))!;
      expect(() => signingKeyOf(stored)).toThrow(/locked/);
      expect(await unlockWithPassword(stored, 'not the password at all')).toBeNull();
      expect((await unlockWithPassword(stored, PASSWORD))?.privateKey).toMatch(/^MC4CAQAwBQYDK2Vw/);
    } finally {
      await storage.close();
    }
  });

  it('refuses to sign with a token made without the person, and writes nothing', async () => {
    const before = await chainSize();
    const readOnly = await localToken('svr-duty');
    expect((await call('GET', '/api/v1/me', { token: readOnly })).status).toBe(200);
    const refused = await send({ token: readOnly }, 'must not be written');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('key_locked');
    expect(refused.body.error?.message).toMatch(/signing key of 'svr-duty' is locked/);
    expect(await chainSize()).toBe(before);
  });

  it('refuses a token with a wrong password for the person', () => {
    const result = runCli(['token', 'create', 'svr-duty', '--data-dir', dataDir], {
      PARLEY_PASSWORD: 'a wrong password here',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/password of 'svr-duty' is wrong/);
  });
});

describe('the person unlocks their key', () => {
  it('signs after a login, and stops when the session ends', async () => {
    const session = await logIn('svr-duty');
    const sent = await send(session, 'signed in a session');
    expect(sent.status).toBe(201);
    const hash = column('SELECT wrapped_key FROM sessions') as { wrapped_key: string } | null;
    expect(hash?.wrapped_key).toMatch(/^wrapped-v1\$/);
    expect((await call('DELETE', '/api/v1/session', session)).status).toBe(204);
    expect((await send(session, 'after logout')).status).toBe(401);
    expect(column("SELECT count(*) AS n FROM sessions WHERE principal = 'svr-duty'")).toEqual({ n: 0 });
  });

  it('gives a token made in a session its own copy; revoking it destroys the copy', async () => {
    const copiesNow = () =>
      (
        column(
          "SELECT count(*) AS n FROM api_tokens WHERE principal = 'svr-duty' AND wrapped_key IS NOT NULL",
        ) as { n: number }
      ).n;
    const before = copiesNow();
    const session = await logIn('svr-duty');
    const created = await call('POST', '/api/v1/tokens', session, { label: 'script' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    await call('DELETE', '/api/v1/session', session);
    // The script keeps signing after the session ended.
    expect((await send({ token }, 'from a script')).status).toBe(201);
    expect(copiesNow()).toBe(before + 1);
    expect((await call('DELETE', `/api/v1/tokens/${created.body.id as string}`, { token })).status).toBe(204);
    expect((await send({ token }, 'revoked')).status).toBe(401);
    expect(copiesNow()).toBe(before);
  });

  it('gives a token made on the machine with the person’s password a key that signs', async () => {
    const token = await localToken('svr-head', PASSWORD);
    expect((await send({ token }, 'from the operator’s script')).status).toBe(201);
  });
});

describe('changing keys and passwords', () => {
  it('re-seals the key under a new password; the session and tokens keep signing', async () => {
    const session = await logIn('pres-head');
    const token = await localToken('pres-head', PASSWORD);
    const before = column("SELECT private_key FROM principals WHERE id = 'pres-head'") as {
      private_key: string;
    };
    const next = 'a brand new password 42';
    const changed = await call('POST', '/api/v1/me/password', session, { current: PASSWORD, next });
    expect(changed.status).toBe(204);
    const after = column("SELECT private_key FROM principals WHERE id = 'pres-head'") as {
      private_key: string;
    };
    expect(after.private_key).not.toBe(before.private_key);
    expect((await call('POST', '/api/v1/channels/leaders/entries', session, note('still me'))).status).toBe(
      201,
    );
    expect((await call('POST', '/api/v1/channels/leaders/entries', { token }, note('script'))).status).toBe(
      201,
    );
    const fresh = await logIn('pres-head', next);
    expect((await call('POST', '/api/v1/channels/leaders/entries', fresh, note('new password'))).status).toBe(
      201,
    );
  });

  it('gives a new key on an admin reset, published by the node; old copies no longer sign', async () => {
    const oldToken = await localToken('svr-observer', PASSWORD);
    const before = column("SELECT public_key FROM principals WHERE id = 'svr-head'") as {
      public_key: string;
    };
    const headToken = await localToken('svr-head', PASSWORD);
    const reset = runCli(['user', 'password', 'svr-head', '--data-dir', dataDir], {
      PARLEY_PASSWORD: 'reset by the administrator',
    });
    expect(reset.status, reset.stderr).toBe(0);
    const after = column("SELECT public_key FROM principals WHERE id = 'svr-head'") as { public_key: string };
    expect(after.public_key).not.toBe(before.public_key);
    const locked = await send({ token: headToken }, 'old key');
    expect(locked.status).toBe(403);
    expect(locked.body.error?.code).toBe('key_locked');
    const session = await logIn('svr-head', 'reset by the administrator');
    expect((await send(session, 'new key')).status).toBe(201);
    // The node published the new key in the person's channel ("key reset by admin").
    const published = column(
      "SELECT count(*) AS n FROM entries WHERE channel = 'intel' AND kind = 'principal-key' AND canonical LIKE ?",
      `%${after.public_key}%`,
    );
    expect(published).toEqual({ n: 1 });
    expect((await call('GET', '/api/v1/me', { token: oldToken })).status).toBe(200);
    const verify = runCli(['verify', '--data-dir', dataDir]);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  });
});
