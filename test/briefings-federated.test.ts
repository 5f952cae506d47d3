/**
 * Briefings and invitations as people use them: two real `parley serve` processes (RU, US)
 * federated over real HTTP, driven through the `parley briefing` and `parley invitation`
 * commands. RU proposes a call, US accepts it, RU records the minutes; the channel's calendar
 * is read as iCalendar (parsed back, one event per occurrence) through an address with its own
 * token, which stops working once revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  openChannel,
  peerUp,
  runCli,
  startParty,
  type PartyNode,
} from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

beforeAll(async () => {
  [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  peerUp(ru, us);
  await openChannel(ru, us);
}, 120_000);

afterAll(async () => {
  await ru?.serve.stop();
  await us?.serve.stop();
}, 240_000);

/** `parley …` as `user` of `node`; returns the parsed --json output, or the failure. */
function cli(node: PartyNode, user: string, args: string[]) {
  const result = runCli([...args, '--url', node.url], { PARLEY_TOKEN: node.tokens[user]! });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
function ok<T = Record<string, unknown>>(node: PartyNode, user: string, args: string[]): T {
  const result = cli(node, user, [...args, '--json']);
  expect(result.stderr, args.join(' ')).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** Unfolds RFC 5545 content lines (section 3.1) and reads each VEVENT's properties. */
function parseEvents(text: string): Array<Record<string, string>> {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  const events: Array<Record<string, string>> = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon).split(';')[0]!] = line.slice(colon + 1);
    }
  }
  return events;
}

interface Briefings {
  briefings: Array<{ id: string; occurrences: Array<{ state: string; minutes: { id: string } | null }> }>;
}

describe('parley briefing and parley invitation across two nodes', { timeout: 180_000 }, () => {
  it('documents every subcommand in --help', () => {
    const help = runCli(['briefing', '--help']).stdout;
    for (const sub of [
      'propose',
      'list',
      'accept',
      'decline',
      'reschedule',
      'postpone',
      'cancel',
      'minutes',
      'amend',
      'feed',
    ])
      expect(help).toContain(sub);
    expect(runCli(['briefing', 'minutes', '--help']).stdout).toMatch(/--held-at <time>[\s\S]*--absent/);
    const invitation = runCli(['invitation', '--help']).stdout;
    for (const sub of ['propose', 'list', 'accept', 'decline', 'counter', 'withdraw'])
      expect(invitation).toContain(sub);
  });

  it('proposes a call on RU, accepts it on US, records minutes on RU, and exports it as iCalendar', async () => {
    const start = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16) + 'Z';
    const proposed = ok<{ id: string }>(ru, 'ru-duty', [
      'briefing',
      'propose',
      'intel',
      '--type',
      'call',
      '--title',
      'Services heads call',
      '--start',
      start,
      '--duration',
      '30',
      '--participants',
      'ru-ops,us-ops',
      '--agenda',
      'Exercise notice',
    ]);
    expect(proposed.id).toMatch(/^intel\/RU\/\d+$/);
    await eventually(
      async () =>
        ok<Briefings>(us, 'us-duty', ['briefing', 'list', 'intel']).briefings.some(
          (b) => b.id === proposed.id,
        ),
      20_000,
      'the proposal at US',
    );
    const early = cli(ru, 'ru-duty', [
      'briefing',
      'minutes',
      proposed.id,
      '--held-at',
      new Date(Date.now() - 60_000).toISOString(),
      '--duration',
      '20',
      '--text',
      'x',
    ]);
    expect(early.status).toBe(1);
    expect(early.stderr).toContain('not accepted yet by US');
    // US owes an answer before the call starts: it is in US's "what I owe", not in RU's.
    type Owing = { obligations: Array<{ type: string; subject?: string; item: { id: string } }> };
    const answerOwed = { type: 'briefing-answer', subject: 'Services heads call' };
    expect(ok<Owing>(us, 'us-duty', ['inbox', '--owing']).obligations).toContainEqual(
      expect.objectContaining({ ...answerOwed, item: expect.objectContaining({ id: proposed.id }) }),
    );
    expect(ok<Owing>(ru, 'ru-duty', ['inbox', '--owing']).obligations).not.toContainEqual(
      expect.objectContaining(answerOwed),
    );
    ok(us, 'us-duty', ['briefing', 'accept', proposed.id]);
    expect(ok<Owing>(us, 'us-duty', ['inbox', '--owing']).obligations).not.toContainEqual(
      expect.objectContaining(answerOwed),
    );
    await eventually(
      async () =>
        ok<Briefings>(ru, 'ru-duty', ['briefing', 'list', 'intel']).briefings.find(
          (b) => b.id === proposed.id,
        )!.occurrences[0]!.state === 'accepted',
      20_000,
      'the acceptance at RU',
    );
    const future = cli(ru, 'ru-duty', [
      'briefing',
      'minutes',
      proposed.id,
      '--held-at',
      '2031-02-12T16:00Z',
      '--duration',
      '20',
      '--text',
      'x',
    ]);
    expect(future.status).toBe(1);
    expect(future.stderr).toMatch(
      /heldAt: 2031-02-12T16:00Z is after the entry's own time.*\(body_invalid\)/,
    );
    const heldAt = new Date(Date.now() - 60_000).toISOString();
    ok(ru, 'ru-duty', [
      'briefing',
      'minutes',
      proposed.id,
      '--held-at',
      heldAt,
      '--duration',
      '25',
      '--text',
      'Held.',
      '--attended',
      'ru-ops',
      '--absent',
      'us-ops=Deputy ill',
    ]);
    const text = cli(ru, 'ru-duty', ['briefing', 'list', 'intel']).stdout;
    expect(text).toContain(`${proposed.id}\tcall\tServices heads call`);
    expect(text).toMatch(/\theld\tminutes intel\/RU\/\d+/);

    const feed = ok<{ id: string; url: string }>(ru, 'ru-duty', [
      'briefing',
      'feed',
      'create',
      '--channel',
      'intel',
    ]);
    expect(feed.url).toMatch(/\/api\/v1\/calendar\/cal_/);
    const response = await fetch(feed.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const events = parseEvents(await response.text());
    const event = events.find((e) => e.UID!.startsWith(proposed.id))!;
    expect(event).toMatchObject({ SUMMARY: 'Services heads call', STATUS: 'CONFIRMED' });
    expect(event.DTSTART).toBe(heldAt.replace(/[-:]/g, '').replace(/\.\d{3}/, ''));
    expect(event.DTEND).toBe(
      new Date(Date.parse(heldAt) + 25 * 60_000)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, ''),
    );
    // The feed's token reads this calendar only: not the API.
    const token = feed.url.split('/').at(-1)!;
    const api = await fetch(`${ru.url}/api/v1/channels/intel/briefings`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.status).toBe(401);
    expect(
      ok<{ feeds: Array<{ id: string; url: null }> }>(ru, 'ru-duty', ['briefing', 'feed', 'list']).feeds,
    ).toEqual([expect.objectContaining({ id: feed.id, url: null })]);
    ok(ru, 'ru-duty', ['briefing', 'feed', 'revoke', feed.id]);
    expect((await fetch(feed.url)).status).toBe(404);
    expect(cli(ru, 'ru-duty', ['briefing', 'feed', 'revoke', feed.id]).status).toBe(1);
  });

  it('exports a recurring briefing per office, one event per occurrence, a cancelled one marked so', async () => {
    const start = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 11) + '09:00Z';
    const series = ok<{ id: string }>(us, 'us-duty', [
      'briefing',
      'propose',
      'intel',
      '--title',
      'Monthly review',
      '--start',
      start,
      '--duration',
      '60',
      '--participants',
      'us-ops,ru-ops',
      '--rrule',
      'FREQ=MONTHLY;COUNT=3',
    ]);
    const bad = cli(us, 'us-duty', [
      'briefing',
      'propose',
      'intel',
      '--title',
      'x',
      '--start',
      start,
      '--duration',
      '60',
      '--participants',
      'us-ops,ru-ops',
      '--rrule',
      'FREQ=DAILY;COUNT=5000',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('rrule: COUNT must be between 1 and 366');
    const second = new Date(Date.parse(start));
    second.setUTCMonth(second.getUTCMonth() + 1);
    ok(us, 'us-duty', [
      'briefing',
      'cancel',
      series.id,
      '--occurrence',
      second.toISOString(),
      '--reason',
      'Recess',
    ]);
    const calendar = await fetch(`${us.url}/api/v1/offices/us-ops/calendar.ics`, {
      headers: { authorization: `Bearer ${us.tokens['us-duty']}` },
    });
    expect(calendar.status).toBe(200);
    const events = parseEvents(await calendar.text()).filter((e) => e.UID!.startsWith(series.id));
    expect(events.map((e) => e.STATUS)).toEqual(['TENTATIVE', 'CANCELLED', 'TENTATIVE']);
    const other = await fetch(`${us.url}/api/v1/offices/us-ops/calendar.ics`, {
      headers: { authorization: `Bearer ${us.tokens['admin']}` },
    });
    expect(other.status).toBe(200);
  });

  it('invites on RU, counter-proposes on US, and refuses the superseded and the withdrawn', async () => {
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const past = cli(ru, 'ru-head', [
      'invitation',
      'propose',
      'intel',
      '--what',
      'Visit',
      '--where',
      'Moscow',
      '--from',
      day(20),
      '--to',
      day(22),
      '--respond-by',
      day(-1),
    ]);
    expect(past.status).toBe(1);
    expect(past.stderr).toContain('the answer date must be in the future');
    const invite = ok<{ id: string }>(ru, 'ru-head', [
      'invitation',
      'propose',
      'intel',
      '--what',
      'Visit of the delegation',
      '--where',
      'Moscow',
      '--from',
      day(20),
      '--to',
      day(22),
      '--respond-by',
      day(10),
    ]);
    await eventually(
      async () =>
        ok<{ invitations: Array<{ id: string }> }>(us, 'us-head', [
          'invitation',
          'list',
          'intel',
        ]).invitations.some((i) => i.id === invite.id),
      20_000,
      'the invitation at US',
    );
    const owing = ok<{ obligations: Array<{ type: string; subject?: string }> }>(us, 'us-head', [
      'inbox',
      '--owing',
    ]);
    expect(owing.obligations).toContainEqual(
      expect.objectContaining({ type: 'invitation-answer', subject: 'Visit of the delegation' }),
    );
    ok(us, 'us-head', ['invitation', 'counter', invite.id, '--where', 'Geneva', '--respond-by', day(8)]);
    const list = cli(us, 'us-head', ['invitation', 'list', 'intel']).stdout;
    expect(list).toContain('Geneva');
    expect(list).toContain('awaiting RU');
    const own = cli(us, 'us-head', ['invitation', 'accept', invite.id]);
    expect(own.status).toBe(1);
    expect(own.stderr).toContain('answered by the other parties');
    const withdrawn = ok<{ id: string }>(ru, 'ru-head', [
      'invitation',
      'propose',
      'intel',
      '--type',
      'meeting',
      '--what',
      'Experts',
      '--where',
      'Vienna',
      '--from',
      day(30),
      '--to',
      day(31),
      '--respond-by',
      day(12),
    ]);
    ok(ru, 'ru-head', ['invitation', 'withdraw', withdrawn.id, '--reason', 'Overtaken by events']);
    const late = cli(ru, 'ru-head', ['invitation', 'withdraw', withdrawn.id]);
    expect(late.status).toBe(1);
    expect(late.stderr).toContain('was withdrawn');
  });
});
