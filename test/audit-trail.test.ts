/**
 * The security audit trail with a real `parley serve` over HTTP on 127.0.0.1 and the real CLI:
 * logins, failures, tokens and accounts are recorded (never a password); administrators read the
 * trail with filters and pages over the API and with `parley audit-log`; `parley verify` checks
 * it and names the first bad event when a row is edited, deleted or inserted in the database file.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath } from '../src/node/data-dir.js';
import {
  PASSWORD,
  prepareNode,
  runCli,
  runCliAsync,
  startServe,
  tempDir,
  type Fixture,
  type ServeProcess,
} from './support/node-process.js';

interface Event {
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  subject: string | null;
  address: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
interface Page {
  events: Event[];
  next: number | null;
}

let fixture: Fixture;
let serve: ServeProcess;
const WRONG = 'not the password at all';

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; cookie?: string } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${serve.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

const admin = (): string => fixture.tokens.admin!;

beforeAll(async () => {
  fixture = await prepareNode();
  serve = await startServe(fixture.dataDir);
  expect(
    (await call('POST', '/api/v1/session', { body: { user: 'svr-duty', password: WRONG } })).status,
  ).toBe(401);
  const login = await call('POST', '/api/v1/session', { body: { user: 'svr-duty', password: PASSWORD } });
  expect(login.status).toBe(200);
  const created = await call<{ id: string }>('POST', '/api/v1/tokens', {
    token: fixture.tokens['svr-duty'],
    body: { label: 'script', expiresInSeconds: 3600 },
  });
  expect(created.status).toBe(201);
  expect((await call('DELETE', `/api/v1/tokens/${created.body.id}`, { token: admin() })).status).toBe(204);
  expect((await call('POST', '/api/v1/users/svr-observer/disable', { token: admin() })).status).toBe(200);
  expect((await call('POST', '/api/v1/users/svr-observer/enable', { token: admin() })).status).toBe(200);
}, 240_000);

afterAll(async () => {
  await serve?.stop();
});

describe('the security audit trail over the API', () => {
  it('records logins, failures, tokens and accounts, newest first, without passwords', async () => {
    const page = await call<Page>('GET', '/api/v1/audit-events?limit=100', { token: admin() });
    expect(page.status).toBe(200);
    const actions = page.body.events.map((e) => e.action);
    expect(actions.slice(0, 7)).toEqual([
      'account_enabled',
      'account_disabled',
      'token_revoked',
      'token_created',
      'login',
      'login_failed',
      'user_added',
    ]);
    const seqs = page.body.events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(page.body.events[0]!.prevHash).toBe(page.body.events[1]!.hash);
    const failed = page.body.events.find((e) => e.action === 'login_failed')!;
    expect(failed).toMatchObject({ actor: null, subject: 'svr-duty', address: '127.0.0.1' });
    const disabled = page.body.events.find((e) => e.action === 'account_disabled')!;
    expect(disabled).toMatchObject({ actor: 'admin', subject: 'svr-observer' });
    expect(disabled.details).toMatchObject({ sessionsEnded: 0, tokensEnded: 1 });
    const revoked = page.body.events.find((e) => e.action === 'token_revoked')!;
    expect(revoked).toMatchObject({ actor: 'admin', subject: 'svr-duty', details: { label: 'script' } });
    const text = JSON.stringify(page.body);
    expect(text).not.toContain(WRONG);
    expect(text).not.toContain(PASSWORD);
  });

  it('filters by action, actor, subject and time, and pages with next', async () => {
    const get = async (query: string) =>
      (await call<Page>('GET', `/api/v1/audit-events?${query}`, { token: admin() })).body;
    expect((await get('action=login_failed')).events.map((e) => e.subject)).toEqual(['svr-duty']);
    expect((await get('actor=admin')).events.map((e) => e.action)).toEqual([
      'account_enabled',
      'account_disabled',
      'token_revoked',
    ]);
    expect((await get('subject=svr-observer')).events.map((e) => e.action)).toEqual([
      'account_enabled',
      'account_disabled',
      'user_added',
    ]);
    expect((await get(`since=${Date.now() + 60_000}`)).events).toEqual([]);
    expect((await get('until=2000-01-01T00:00:00Z')).events).toEqual([]);
    const first = await get('limit=2');
    expect(first.events).toHaveLength(2);
    expect(first.next).toBe(first.events[1]!.seq);
    const second = await get(`limit=2&before=${first.next}`);
    expect(second.events[0]!.seq).toBe(first.next! - 1);
  });

  it('is for administrators only, and names a bad filter', async () => {
    const duty = await call('GET', '/api/v1/audit-events', { token: fixture.tokens['svr-duty'] });
    expect(duty.status).toBe(403);
    expect((await call('GET', '/api/v1/audit-events')).status).toBe(401);
    const badAction = await call<{ error: { code: string; message: string } }>(
      'GET',
      '/api/v1/audit-events?action=coffee',
      { token: admin() },
    );
    expect(badAction.status).toBe(400);
    expect(badAction.body.error.message).toContain('action');
    const badTime = await call<{ error: { message: string } }>(
      'GET',
      '/api/v1/audit-events?since=yesterday',
      {
        token: admin(),
      },
    );
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.message).toMatch(/since/);
    const badLimit = await call('GET', '/api/v1/audit-events?limit=5000', { token: admin() });
    expect(badLimit.status).toBe(400);
    const verified = await call<{ ok: boolean; events: number }>('GET', '/api/v1/audit-events/verify', {
      token: admin(),
    });
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.events).toBeGreaterThan(6);
  });
});

describe('parley audit-log', () => {
  it('reads the trail over the API with a token and from the data directory', async () => {
    const remote = await runCliAsync(['audit-log', '--url', serve.url, '--action', 'login', '--json'], {
      PARLEY_TOKEN: admin(),
    });
    expect(remote.status, remote.stderr).toBe(0);
    expect((JSON.parse(remote.stdout) as Page).events.map((e) => e.subject)).toEqual(['svr-duty']);
    const local = await runCliAsync(['audit-log', '--data-dir', fixture.dataDir, '--actor', 'admin']);
    expect(local.status, local.stderr).toBe(0);
    expect(local.stdout).toMatch(/#\d+\t\S+\taccount_enabled\tby admin\tsvr-observer/);
    const denied = await runCliAsync(['audit-log', '--url', serve.url, '--json'], {
      PARLEY_TOKEN: fixture.tokens['svr-duty']!,
    });
    expect(denied.status).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ error: { code: 'forbidden' } });
    const bad = await runCliAsync(['audit-log', '--data-dir', fixture.dataDir, '--since', 'soon']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since');
  }, 60_000);
});

describe('token and user commands over the API with --url', () => {
  it("create, list and revoke one's own tokens, change one's password, and disable as an admin", async () => {
    const as = (user: string, extra: Record<string, string> = {}) => ({
      PARLEY_TOKEN: fixture.tokens[user]!,
      ...extra,
    });
    const created = await runCliAsync(
      ['token', 'create', '--url', serve.url, '--label', 'remote', '--expires-in', '1d', '--json'],
      as('svr-duty'),
    );
    expect(created.status, created.stderr).toBe(0);
    const issued = JSON.parse(created.stdout) as { id: string; user: string; token: string };
    expect(issued.user).toBe('svr-duty');
    const listed = await runCliAsync(['token', 'list', '--url', serve.url, '--json'], as('svr-duty'));
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: issued.id, label: 'remote', lastUsedAt: null })]),
    );
    expect(listed.stdout).not.toContain(issued.token);
    const forOther = await runCliAsync(['token', 'create', 'svr-head', '--url', serve.url], as('svr-duty'));
    expect(forOther.status).toBe(2);
    expect(forOther.stderr).toContain('<user>');
    const revoked = await runCliAsync(['token', 'revoke', issued.id, '--url', serve.url], as('svr-duty'));
    expect(revoked.status, revoked.stderr).toBe(0);
    expect((await call('GET', '/api/v1/me', { token: issued.token })).status).toBe(401);

    const wrong = await runCliAsync(
      ['user', 'password', 'svr-duty', '--url', serve.url],
      as('svr-duty', { PARLEY_CURRENT_PASSWORD: 'not it at all', PARLEY_PASSWORD: 'a remote new password' }),
    );
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('current password is wrong');
    const changed = await runCliAsync(
      ['user', 'password', 'svr-duty', '--url', serve.url],
      as('svr-duty', { PARLEY_CURRENT_PASSWORD: PASSWORD, PARLEY_PASSWORD: 'a remote new password' }),
    );
    expect(changed.status, changed.stderr).toBe(0);
    const login = await call('POST', '/api/v1/session', {
      body: { user: 'svr-duty', password: 'a remote new password' },
    });
    expect(login.status).toBe(200);

    const denied = await runCliAsync(['user', 'disable', 'svr-head', '--url', serve.url], as('svr-duty'));
    expect(denied.status).toBe(1);
    const disabled = await runCliAsync(
      ['user', 'disable', 'svr-head', '--url', serve.url, '--json'],
      as('admin'),
    );
    expect(JSON.parse(disabled.stdout)).toMatchObject({ id: 'svr-head', disabled: true });
    expect((await call('GET', '/api/v1/me', { token: fixture.tokens['svr-head'] })).status).toBe(401);
    const enabled = await runCliAsync(['user', 'enable', 'svr-head', '--url', serve.url], as('admin'));
    expect(enabled.status, enabled.stderr).toBe(0);
  }, 90_000);
});

describe('parley verify checks the trail', () => {
  /** A copy of the (stopped) node's data directory with `sql` run on its database file. */
  function tampered(sql: string): string {
    const copy = join(tempDir(), 'node');
    cpSync(fixture.dataDir, copy, { recursive: true });
    const db = new Database(databasePath(copy));
    db.exec(sql);
    db.close();
    return copy;
  }

  function verify(dataDir: string) {
    const result = runCli(['verify', '--data-dir', dataDir, '--json']);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      auditTrail: { ok: boolean; events: number; failures: Array<{ seq: number; rule: string }> };
    };
    return { status: result.status, report, text: runCli(['verify', '--data-dir', dataDir]).stdout };
  }

  let events = 0;

  beforeAll(async () => {
    await serve.stop();
    const clean = verify(fixture.dataDir);
    expect(clean.status).toBe(0);
    expect(clean.report.auditTrail).toMatchObject({ ok: true, failures: [] });
    events = clean.report.auditTrail.events;
    expect(clean.text).toContain(`audit trail: OK: ${events} event(s)`);
  }, 240_000);

  it('names an edited event', () => {
    const { status, report, text } = verify(
      tampered("UPDATE security_events SET address = '203.0.113.66' WHERE seq = 3"),
    );
    expect(status).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.auditTrail.failures[0]).toMatchObject({ seq: 3, rule: 'hash_mismatch' });
    expect(text).toContain('audit event 3: hash_mismatch');
  });

  it('names a deleted event, in the middle and at the end', () => {
    const middle = verify(tampered('DELETE FROM security_events WHERE seq = 2'));
    expect(middle.status).toBe(1);
    expect(middle.report.auditTrail.failures[0]).toMatchObject({ seq: 2, rule: 'event_missing' });
    const end = verify(tampered(`DELETE FROM security_events WHERE seq = ${events}`));
    expect(end.status).toBe(1);
    expect(end.report.auditTrail.failures[0]).toMatchObject({ seq: events, rule: 'event_missing' });
  });

  it('names an inserted event', () => {
    const next = events + 1;
    const { status, report } = verify(
      tampered(`INSERT INTO security_events
        SELECT ${next}, at + 1, 'admin', 'login', 'admin', address, details, hash, hash, node_key, sig
        FROM security_events WHERE seq = ${events}`),
    );
    expect(status).toBe(1);
    expect(report.auditTrail.failures[0]).toMatchObject({ seq: next });
  });
});
