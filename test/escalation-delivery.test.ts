/**
 * Escalation that reaches people (issue 15): RU and US federated over real HTTP in virtual time,
 * a real SMTP server (smtp-server, with a password) and a real webhook receiver on 127.0.0.1. RU's
 * office keeps an on-watch roster; its duty officer on watch has an alternate. A FLASH from US
 * that RU leaves unanswered reaches the alternate by e-mail and by a webhook whose signature the
 * receiver checks with the node key, as README "Mail and webhooks" tells receivers to; a receiver
 * that fails is retried with backoff and then succeeds; after a restart nothing is sent twice.
 * Bad settings are refused with the field named and nothing written.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, verify } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertOutbox } from '../src/workflows/alerting/outbox.js';
import type { MailSettings } from '../src/workflows/alerting/transports.js';
import { openNode } from '../src/workflows/open-node.js';
import { pinPeers, startInProcessParty, virtualClock, type InProcessParty } from './support/in-process.js';
import { PASSWORD, api, eventually, openChannel, runCliAsync } from './support/node-process.js';

const MINUTE = 60_000;
const SMTP_PASSWORD = 'smtp-secret-pw';
const HOOK_SECRET = 'hook-secret-4711';
const METRICS_TOKEN = 'metrics-test-token';
const clock = virtualClock();

interface Mail {
  to: string[];
  data: string;
}
interface Hook {
  headers: IncomingMessage['headers'];
  body: string;
  answered: number;
}

const mails: Mail[] = [];
const hooks: Hook[] = [];
/** How many webhook requests still get a 503. */
let failHooks = 1;
let smtp: SMTPServer;
let MAIL: MailSettings;
let receiver: Server;
let ru: InProcessParty;
let us: InProcessParty;

async function startSmtp(): Promise<number> {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'parley' && auth.password === SMTP_PASSWORD) callback(null, { user: 'parley' });
      else callback(new Error('invalid credentials'));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (data += chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
  return (smtp.server.address() as AddressInfo).port;
}

async function startReceiver(): Promise<number> {
  receiver = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const answered = failHooks > 0 ? 503 : 200;
      if (failHooks > 0) failHooks--;
      hooks.push({ headers: request.headers, body, answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  return (receiver.address() as AddressInfo).port;
}

/** What README "Mail and webhooks" tells a receiver to do, with nothing of Parley's code. */
function receiverAccepts(hook: Hook, pinnedKey: string, nowMs = clock.now()): boolean {
  const timestamp = String(hook.headers['parley-timestamp']);
  const signature = /^ed25519=(.+)$/.exec(String(hook.headers['parley-signature']))?.[1];
  if (!signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > 300) return false;
  const spki = Buffer.concat([
    Buffer.from('302a300506032b6570032100', 'hex'),
    Buffer.from(pinnedKey, 'base64'),
  ]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const message = Buffer.from(`parley/webhook/v1\n${timestamp}\n${hook.body}`, 'utf8');
  return verify(null, message, key, Buffer.from(signature, 'base64'));
}

const messageIds = () => mails.map((m) => /^Message-ID:\s*(\S+)/im.exec(m.data)?.[1]);
const accepted = () => hooks.filter((h) => h.answered === 200);

beforeAll(async () => {
  const [smtpPort, hookPort] = await Promise.all([startSmtp(), startReceiver()]);
  MAIL = {
    smtpUrl: `smtp://parley:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`,
    mailFrom: 'Parley RU <parley@ru.example>',
  };
  const extras = { mail: MAIL, metricsToken: METRICS_TOKEN };
  [ru, us] = await Promise.all([startInProcessParty('RU', clock, extras), startInProcessParty('US', clock)]);
  await pinPeers(ru, us);
  await openChannel(ru, us, { languages: ['en'] });
  process.env.HOOK_URL = `http://127.0.0.1:${hookPort}/parley?key=${HOOK_SECRET}`;
}, 240_000);

afterAll(async () => {
  await ru?.stop();
  await us?.stop();
  await new Promise<void>((done) => (smtp ? smtp.close(() => done()) : done()));
  await new Promise<void>((done) => (receiver ? receiver.close(() => done()) : done()));
}, 240_000);

describe('escalation that reaches people', () => {
  it('keeps a roster, alternates, addresses and a webhook, refusing bad settings with the field named', async () => {
    const added = await api(ru, 'admin', 'POST', '/api/v1/users', {
      id: 'ru-alt',
      office: 'ru-ops',
      role: 'member',
      title: 'Alternate duty officer',
      password: PASSWORD,
    });
    expect(added.status).toBe(201);

    // Bad input: each refusal names the field, and nothing is written.
    const badEmail = await api(ru, 'admin', 'PUT', '/api/v1/users/ru-duty/alerting', {
      email: 'not-an-address',
    });
    expect(badEmail.status).toBe(400);
    expect(JSON.stringify(badEmail.body)).toMatch(/email/);
    const unknown = await api(ru, 'admin', 'PUT', '/api/v1/users/ru-duty/alerting', {
      alternates: ['nobody'],
    });
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toMatch(/alternates\.0: user 'nobody' does not exist/);
    const self = await api(ru, 'admin', 'PUT', '/api/v1/users/ru-duty/alerting', { alternates: ['ru-duty'] });
    expect(self.status).toBe(400);
    const notManager = await api(ru, 'ru-duty', 'PUT', '/api/v1/users/ru-duty/alerting', {
      alternates: ['ru-alt'],
    });
    expect(notManager.status).toBe(403);
    const badHook = await api(ru, 'admin', 'PUT', '/api/v1/offices/ru-ops/alerting', {
      webhookUrl: 'ftp://x',
    });
    expect(badHook.status).toBe(400);
    expect(JSON.stringify(badHook.body)).toMatch(/webhookUrl/);
    const now = clock.now();
    const backwards = await api(ru, 'ru-head', 'POST', '/api/v1/offices/ru-ops/roster', {
      user: 'ru-duty',
      from: new Date(now).toISOString(),
      until: new Date(now - MINUTE).toISOString(),
    });
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toMatch(/until/);
    const wrongOffice = await api(ru, 'ru-head', 'POST', '/api/v1/offices/ru-ops/roster', {
      user: 'admin',
      from: new Date(now).toISOString(),
      until: new Date(now + MINUTE).toISOString(),
    });
    expect(wrongOffice.status).toBe(400);
    expect((await api(ru, 'admin', 'GET', '/api/v1/users/ru-duty/alerting')).body).toEqual({
      user: 'ru-duty',
      email: null,
      alternates: [],
    });
    expect(
      (await api<{ shifts: unknown[] }>(ru, 'admin', 'GET', '/api/v1/offices/ru-ops/roster')).body.shifts,
    ).toEqual([]);

    // The head of the office sets it all up.
    expect(
      (
        await api(ru, 'ru-head', 'PUT', '/api/v1/users/ru-duty/alerting', {
          email: 'duty@ru.example',
          alternates: ['ru-alt'],
        })
      ).status,
    ).toBe(200);
    expect(
      (await api(ru, 'ru-head', 'PUT', '/api/v1/users/ru-alt/alerting', { email: 'alt@ru.example' })).status,
    ).toBe(200);
    const hook = await api(ru, 'ru-head', 'PUT', '/api/v1/offices/ru-ops/alerting', {
      webhookUrl: process.env.HOOK_URL,
    });
    expect(hook.status).toBe(200);
    const shift = await api<{ id: string; onWatch: boolean }>(
      ru,
      'ru-head',
      'POST',
      '/api/v1/offices/ru-ops/roster',
      {
        user: 'ru-duty',
        from: new Date(now - 3600_000).toISOString(),
        until: new Date(now + 8 * 3600_000).toISOString(),
      },
    );
    expect(shift.status).toBe(201);
    expect(shift.body.onWatch).toBe(true);
    const roster = await api<{ onWatch: string[] }>(ru, 'ru-duty', 'GET', '/api/v1/offices/ru-ops/roster');
    expect(roster.body.onWatch).toEqual(['ru-duty', 'ru-alt']);
    // The webhook URL (it may carry the receiver's secret) is shown to managers only.
    expect((await api(ru, 'ru-duty', 'GET', '/api/v1/offices/ru-ops/alerting')).status).toBe(403);
  });

  it('delivers an unanswered FLASH to the alternate by e-mail and a signed webhook, retrying a failing receiver', async () => {
    const sent = await api<{ seq: number }>(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      precedence: 'FLASH',
      body: { text: 'Unscheduled launch notice' },
    });
    expect(sent.status).toBe(201);
    await eventually(
      async () =>
        (await api(ru, 'ru-head', 'GET', `/api/v1/channels/intel/entries/US/${sent.body.seq}`)).status ===
        200,
    );
    clock.advance(11 * MINUTE);
    const steps = await ru.server.escalations.tick();
    const step = steps.find((s) => s.step === 'duty-officers' && s.obligation === 'response');
    expect(step?.notify).toEqual(['ru-duty', 'ru-alt']);

    const first = await ru.server.alerts.tick();
    expect(first).toMatchObject({ sent: 2, retried: 1, failed: 0 });
    const alt = mails.find((m) => m.to.includes('alt@ru.example'));
    expect(alt?.data).toMatch(/Subject: \[FLASH\] Parley RU:/);
    expect(alt?.data).toMatch(/ru-duty, ru-alt/);
    expect(mails.some((m) => m.to.includes('duty@ru.example'))).toBe(true);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.answered).toBe(503);

    // Not yet due: the backoff holds the retry back.
    const early = await ru.server.alerts.tick();
    expect(early.sent + early.retried).toBe(0);
    clock.advance(MINUTE);
    expect(await ru.server.alerts.tick()).toMatchObject({ sent: 1, retried: 0 });
    const delivered = accepted();
    expect(delivered).toHaveLength(1);
    const hook = delivered[0]!;
    expect(hook.headers['parley-node-key']).toBe(ru.node.nodePublicKey);
    expect(receiverAccepts(hook, ru.node.nodePublicKey)).toBe(true);
    // Tampered, or signed by another key: refused.
    expect(
      receiverAccepts({ ...hook, body: hook.body.replace('ru-alt', 'ru-xxx') }, ru.node.nodePublicKey),
    ).toBe(false);
    expect(receiverAccepts(hook, us.node.nodePublicKey)).toBe(false);
    const payload = JSON.parse(hook.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'parley.escalation',
      party: 'RU',
      office: 'ru-ops',
      channel: 'intel',
      precedence: 'FLASH',
      step: 'duty-officers',
      notify: ['ru-duty', 'ru-alt'],
      about: { party: 'US', seq: sent.body.seq },
    });
    expect(hook.headers['parley-delivery']).toBe(payload.delivery);

    const outbox = await api<
      Array<{ transport: string; state: string; attempts: number; lastError: string | null }>
    >(ru, 'admin', 'GET', '/api/v1/alerts/deliveries');
    expect(outbox.status).toBe(200);
    expect(outbox.body.map((d) => `${d.transport}:${d.state}:${d.attempts}`).sort()).toEqual([
      'email:sent:1',
      'email:sent:1',
      'webhook:sent:2',
    ]);
    // Secrets never leave: not in the outbox, not in an error text.
    expect(JSON.stringify(outbox.body)).not.toMatch(new RegExp(`${SMTP_PASSWORD}|${HOOK_SECRET}`));
    expect((await api(ru, 'ru-head', 'GET', '/api/v1/alerts/deliveries')).status).toBe(403);

    const metrics = await fetch(`${ru.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await metrics.text();
    expect(text).toMatch(/parley_alert_outbox\{transport="webhook",state="sent"\} 1/);
    expect(text).toMatch(/parley_alert_outbox\{transport="email",state="pending"\} 0/);
    expect(Number(/parley_escalations_total (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/parley_obligations_overdue (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('is managed from the CLI too: roster, alternates, e-mail, webhook and the outbox', async () => {
    const cli = (user: string, ...args: string[]) =>
      runCliAsync([...args, '--url', ru.url, '--json'], { PARLEY_TOKEN: ru.tokens[user]! });
    const added = await cli(
      'ru-head',
      'office',
      'roster',
      'add',
      'ru-ops',
      'ru-duty',
      '--from',
      'now',
      '--until',
      'now+2h',
    );
    expect(added.stderr).toBe('');
    const shift = JSON.parse(added.stdout) as { id: string; user: string };
    expect(shift.user).toBe('ru-duty');
    const listed = JSON.parse((await cli('ru-duty', 'office', 'roster', 'list', 'ru-ops')).stdout) as {
      shifts: Array<{ id: string }>;
    };
    expect(listed.shifts.map((s) => s.id)).toContain(shift.id);
    expect((await cli('ru-head', 'office', 'roster', 'remove', 'ru-ops', shift.id)).status).toBe(0);
    const bad = await cli(
      'ru-head',
      'office',
      'roster',
      'add',
      'ru-ops',
      'ru-duty',
      '--from',
      'soon',
      '--until',
      'now',
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--from 'soon'/);
    const alternates = await cli('ru-head', 'user', 'alternate', 'ru-duty');
    expect(JSON.parse(alternates.stdout)).toMatchObject({ alternates: ['ru-alt'] });
    const email = await cli('ru-head', 'user', 'email', 'ru-alt');
    expect(JSON.parse(email.stdout)).toMatchObject({ email: 'alt@ru.example' });
    const hook = await cli('ru-head', 'office', 'webhook', 'ru-ops');
    expect(JSON.parse(hook.stdout)).toMatchObject({ webhookUrl: process.env.HOOK_URL });
    const outbox = await cli('admin', 'alerts', 'list');
    expect((JSON.parse(outbox.stdout) as Array<{ state: string }>).every((d) => d.state === 'sent')).toBe(
      true,
    );
    const refused = await cli('ru-duty', 'alerts', 'list');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/only administrators/);
  });

  it('sends nothing twice across a restart, and delivers later steps once each', async () => {
    const before = { mails: mails.length, hooks: accepted().length };
    await ru.restart();
    expect(await ru.server.alerts.tick()).toMatchObject({ planned: 0, sent: 0 });
    expect(mails).toHaveLength(before.mails);
    expect(accepted()).toHaveLength(before.hooks);

    // Half a window later the heads are told: a new step, delivered once (ru-head has no
    // address: the office's webhook only).
    clock.advance(10 * MINUTE);
    const steps = await ru.server.escalations.tick();
    expect(steps.some((s) => s.step === 'head')).toBe(true);
    // A second instance on the same database, without the lease (as a process that lost it
    // unaware would), races the leased one: each delivery is claimed, and so sent, once.
    const second = await openNode(ru.dataDir, { now: clock.now });
    const unleased = new AlertOutbox(second, MAIL, 86_400_000, null);
    try {
      const [a, b] = await Promise.all([ru.server.alerts.tick(), unleased.tick()]);
      expect(a.sent + b.sent).toBe(1);
      expect(a.sent + b.sent + a.retried + b.retried).toBe(1);
    } finally {
      await unleased.stop();
      await second.close();
    }
    await ru.restart();
    await ru.server.alerts.tick();
    await ru.server.alerts.tick();
    const ids = accepted().map((h) => h.headers['parley-delivery']);
    expect(ids.length).toBeGreaterThan(before.hooks);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(messageIds()).size).toBe(mails.length);
    const at = (h: Hook) => Number(h.headers['parley-timestamp']) * 1000;
    expect(accepted().every((h) => receiverAccepts(h, ru.node.nodePublicKey, at(h)))).toBe(true);
  });
});
