/**
 * Briefings and invitations through the API on two federated nodes (RU, US) over real HTTP, in
 * virtual time: a briefing's whole life (propose, accept, hold with minutes, amend), recurring
 * briefings answered and cancelled per occurrence, invitation threads with counter-proposals and
 * withdrawal, open invitations in "what I owe", and every bad input refused with a 4xx that
 * names the field or rule, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually } from './support/node-process.js';
import { pinPeers, startInProcessParty, virtualClock, type InProcessParty } from './support/in-process.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = virtualClock();
let ru: InProcessParty;
let us: InProcessParty;

interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
}
interface Occurrence {
  occurrence: string;
  start: string;
  state: string;
  waitingFor: string[];
  answers: Array<{ party: string; answer: string }>;
  minutes: { id: string; text: string; original: string; amendments: unknown[]; noShows: unknown[] } | null;
}
interface Briefing {
  id: string;
  occurrences: Occurrence[];
  refused: unknown[];
}
interface Invitation {
  id: string;
  state: string;
  awaiting: string[];
  current: { id: string; where: string };
  proposals: unknown[];
}

beforeAll(async () => {
  [ru, us] = await Promise.all([startInProcessParty('RU', clock), startInProcessParty('US', clock)]);
  await pinPeers(ru, us);
  const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id: 'intel',
    name: 'Intelligence services heads',
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['ru', 'en'],
  });
  expect(created.status).toBe(201);
  await eventually(async () => (await api(us, 'admin', 'GET', '/api/v1/channels/intel')).status === 200);
  expect((await api(us, 'admin', 'POST', '/api/v1/channels/intel/accept')).status).toBe(200);
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
  );
}, 240_000);

afterAll(async () => {
  await ru?.stop();
  await us?.stop();
}, 240_000);

const at = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => at(ms).slice(0, 10);
const head = (node: InProcessParty) => `${node.party.toLowerCase()}-head`;
const ref = (e: Entry) => ({ party: e.party, seq: e.seq, hash: e.hash });

function write(node: InProcessParty, user: string, kind: string, body: unknown) {
  return api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', { kind, body, lang: 'en' });
}

async function post(node: InProcessParty, user: string, kind: string, body: unknown): Promise<Entry> {
  const result = await write(node, user, kind, body);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

async function arrived(node: InProcessParty, entry: Entry): Promise<void> {
  await eventually(
    async () =>
      (await api(node, head(node), 'GET', `/api/v1/channels/intel/entries/${entry.party}/${entry.seq}`))
        .status === 200,
    20_000,
    `${entry.id} at ${node.party}`,
  );
}

async function peopleEntries(node: InProcessParty): Promise<number> {
  const entries = await node.node.storage.readChannel('intel', 0, 1_000_000);
  return entries.filter((e) => e.party === node.party && e.author !== 'node').length;
}

/** Expects the refusal (status, code, a message naming `names`) and nothing written. */
async function refused(
  node: InProcessParty,
  user: string,
  kind: string,
  body: unknown,
  status: number,
  code: string,
  names: string | RegExp,
): Promise<void> {
  const before = await peopleEntries(node);
  const result = await write(node, user, kind, body);
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  const error = (result.body as unknown as { error: { code: string; message: string } }).error;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(names);
  expect(await peopleEntries(node)).toBe(before);
}

async function briefing(node: InProcessParty, id: string): Promise<Briefing> {
  const result = await api<{ briefings: Briefing[] }>(
    node,
    head(node),
    'GET',
    '/api/v1/channels/intel/briefings',
  );
  expect(result.status).toBe(200);
  return result.body.briefings.find((b) => b.id === id)!;
}

async function invitation(node: InProcessParty, id: string): Promise<Invitation> {
  const result = await api<{ invitations: Invitation[] }>(
    node,
    head(node),
    'GET',
    '/api/v1/channels/intel/invitations',
  );
  expect(result.status).toBe(200);
  return result.body.invitations.find((i) => i.id === id)!;
}

const proposal = (extra: Record<string, unknown> = {}) => ({
  type: 'call',
  title: 'Call between the services heads',
  agenda: ['Exercise notifications', 'Hotline test'],
  start: at(clock.now() + DAY),
  durationMinutes: 30,
  participants: ['ru-ops', 'us-ops'],
  ...extra,
});

describe('a briefing, whole life', () => {
  it('is proposed, accepted by the other side, held with minutes once, then amended explicitly', async () => {
    await refused(
      ru,
      'ru-duty',
      'briefing-proposal',
      proposal({ rrule: 'FREQ=SOMETIMES;COUNT=3' }),
      400,
      'body_invalid',
      /^rrule: /,
    );
    await refused(
      ru,
      'ru-duty',
      'briefing-proposal',
      proposal({ rrule: 'FREQ=WEEKLY' }),
      400,
      'body_invalid',
      /rrule: must end/,
    );
    await refused(
      ru,
      'ru-duty',
      'briefing-proposal',
      proposal({ rrule: 'FREQ=HOURLY;COUNT=5' }),
      400,
      'body_invalid',
      /rrule: must repeat at most daily/,
    );
    await refused(
      ru,
      'ru-duty',
      'briefing-proposal',
      proposal({ participants: ['ru-ops', 'fr-ops'] }),
      400,
      'body_invalid',
      /participants\.1: office 'fr-ops'/,
    );
    await refused(
      ru,
      'ru-duty',
      'briefing-proposal',
      proposal({ start: '2026-02-30T10:00Z' }),
      400,
      'body_invalid',
      /start: is not a real date/,
    );

    const call = await post(ru, 'ru-duty', 'briefing-proposal', proposal());
    const record = (extra: Record<string, unknown> = {}) => ({
      of: ref(call),
      heldAt: at(clock.now() - 5 * 60_000),
      durationMinutes: 28,
      minutes: 'The sides reviewed the exercise notifications.',
      attended: ['ru-ops', 'us-ops'],
      noShows: [],
      ...extra,
    });
    await refused(
      ru,
      'ru-duty',
      'briefing-record',
      record(),
      409,
      'state_conflict',
      /not accepted yet by US/,
    );
    await refused(
      ru,
      'ru-duty',
      'briefing-answer',
      { of: ref(call), answer: 'accept' },
      400,
      'ref_invalid',
      /not the one proposing it/,
    );
    await arrived(us, call);
    await refused(
      us,
      'us-duty',
      'briefing-answer',
      { of: ref(call), answer: 'decline' },
      400,
      'body_invalid',
      /^reason: a decline must give a reason/,
    );
    const accept = await post(us, 'us-duty', 'briefing-answer', { of: ref(call), answer: 'accept' });
    await refused(
      us,
      'us-duty',
      'briefing-answer',
      { of: ref(call), answer: 'accept' },
      409,
      'already_exists',
      /already answered accept/,
    );
    await arrived(ru, accept);
    expect((await briefing(ru, call.id)).occurrences[0]).toMatchObject({ state: 'accepted', waitingFor: [] });

    // Minutes dated in the future of the entry's own time: refused, naming heldAt.
    await refused(
      ru,
      'ru-duty',
      'briefing-record',
      record({ heldAt: '2031-02-12T16:00Z' }),
      400,
      'body_invalid',
      /^heldAt: 2031-02-12T16:00Z is after the entry's own time/,
    );
    const held = await post(
      ru,
      'ru-duty',
      'briefing-record',
      record({ noShows: [{ office: 'us-ops', reason: 'Deputy ill' }] }),
    );
    await refused(
      ru,
      'ru-head',
      'briefing-record',
      record({ minutes: 'Another account.' }),
      409,
      'already_exists',
      /already recorded .*briefing-amendment/,
    );
    await arrived(us, held);
    await refused(
      us,
      'us-duty',
      'briefing-record',
      record({ minutes: 'Our own account.' }),
      409,
      'already_exists',
      /already recorded/,
    );
    await refused(
      us,
      'us-duty',
      'briefing-change',
      { of: ref(call), change: 'cancel', reason: 'Too late' },
      409,
      'state_conflict',
      /is held/,
    );
    await refused(
      us,
      'us-duty',
      'briefing-amendment',
      { of: ref(call), minutes: 'x', reason: 'y' },
      400,
      'ref_invalid',
      /not the briefing-record/,
    );
    const amendment = await post(us, 'us-duty', 'briefing-amendment', {
      of: ref(held),
      minutes: 'The sides reviewed the exercise notifications and agreed to test the hotline monthly.',
      reason: 'The hotline point was left out',
    });
    await arrived(ru, amendment);
    const view = (await briefing(ru, call.id)).occurrences[0]!;
    expect(view.state).toBe('held');
    expect(view.minutes).toMatchObject({
      original: 'The sides reviewed the exercise notifications.',
      text: expect.stringContaining('hotline monthly'),
      noShows: [{ office: 'us-ops', reason: 'Deputy ill' }],
    });
    expect(view.minutes!.amendments).toHaveLength(1);
  });

  it('is rescheduled, postponed and cancelled with reasons; no minutes for a cancelled briefing', async () => {
    const call = await post(ru, 'ru-duty', 'briefing-proposal', proposal({ type: 'briefing' }));
    await refused(
      ru,
      'ru-duty',
      'briefing-change',
      { of: ref(call), change: 'reschedule', reason: 'Clash' },
      400,
      'body_invalid',
      /^start: a reschedule must give the new start/,
    );
    await refused(
      ru,
      'ru-duty',
      'briefing-change',
      { of: ref(call), change: 'cancel', reason: '  ' },
      400,
      'body_invalid',
      /^reason: must give a reason/,
    );
    const moved = at(clock.now() + 3 * DAY);
    await post(ru, 'ru-duty', 'briefing-change', {
      of: ref(call),
      change: 'reschedule',
      reason: 'Clash with a summit',
      start: moved,
    });
    await post(ru, 'ru-duty', 'briefing-change', {
      of: ref(call),
      change: 'postpone',
      reason: 'Awaiting instructions',
    });
    expect((await briefing(ru, call.id)).occurrences[0]).toMatchObject({ state: 'postponed', start: moved });
    await post(ru, 'ru-head', 'briefing-change', {
      of: ref(call),
      change: 'cancel',
      reason: 'Overtaken by events',
    });
    await refused(
      ru,
      'ru-duty',
      'briefing-record',
      {
        of: ref(call),
        heldAt: at(clock.now() - 60_000),
        durationMinutes: 10,
        minutes: 'x',
        attended: [],
        noShows: [],
      },
      409,
      'state_conflict',
      /is cancelled: no minutes are recorded for a cancelled briefing/,
    );
    await arrived(us, call);
    await eventually(async () => (await briefing(us, call.id)).occurrences[0]!.state === 'cancelled');
    await refused(
      us,
      'us-duty',
      'briefing-answer',
      { of: ref(call), answer: 'accept' },
      409,
      'state_conflict',
      /is cancelled/,
    );
  });

  it('recurs by an RFC 5545 rule, each occurrence answered, cancelled and held on its own', async () => {
    const start = Date.parse(day(clock.now() + 2 * DAY) + 'T10:00:00Z');
    const series = await post(
      ru,
      'ru-duty',
      'briefing-proposal',
      proposal({ start: at(start), rrule: 'FREQ=WEEKLY;COUNT=3' }),
    );
    const week = (n: number) => at(start + n * 7 * DAY);
    await refused(
      ru,
      'ru-duty',
      'briefing-change',
      { of: ref(series), occurrence: at(start + DAY), change: 'cancel', reason: 'x' },
      400,
      'ref_invalid',
      /^occurrence: .* is not an occurrence/,
    );
    await refused(
      ru,
      'ru-duty',
      'briefing-change',
      { of: ref(series), change: 'reschedule', reason: 'x', start: week(5) },
      400,
      'body_invalid',
      /^occurrence: .* recurs/,
    );
    await arrived(us, series);
    await post(us, 'us-duty', 'briefing-answer', { of: ref(series), occurrence: week(1), answer: 'accept' });
    await post(us, 'us-duty', 'briefing-answer', {
      of: ref(series),
      occurrence: week(0),
      answer: 'decline',
      reason: 'Holiday',
    });
    const cancel = await post(us, 'us-head', 'briefing-change', {
      of: ref(series),
      occurrence: week(2),
      change: 'cancel',
      reason: 'Recess',
    });
    await arrived(ru, cancel);
    const view = await briefing(ru, series.id);
    expect(view.occurrences.map((o) => [o.occurrence, o.state])).toEqual([
      [week(0), 'declined'],
      [week(1), 'accepted'],
      [week(2), 'cancelled'],
    ]);
    // Held once the occurrence came: its own minutes, the others untouched.
    clock.advance(7 * DAY + 2 * DAY + HOUR);
    await post(ru, 'ru-duty', 'briefing-record', {
      of: ref(series),
      occurrence: week(1),
      heldAt: week(1),
      durationMinutes: 30,
      minutes: 'Second weekly call held.',
      attended: ['ru-ops', 'us-ops'],
      noShows: [],
    });
    expect((await briefing(ru, series.id)).occurrences.map((o) => o.state)).toEqual([
      'declined',
      'held',
      'cancelled',
    ]);
    const calendar = await fetch(`${ru.url}/api/v1/offices/ru-ops/calendar.ics`, {
      headers: { authorization: `Bearer ${ru.tokens['ru-duty']}` },
    });
    const text = await calendar.text();
    expect(calendar.status, text).toBe(200);
    expect(text.match(/BEGIN:VEVENT/g)!.length).toBeGreaterThanOrEqual(3);
    const denied = await fetch(`${us.url}/api/v1/offices/ru-ops/calendar.ics`, {
      headers: { authorization: `Bearer ${us.tokens['us-duty']}` },
    });
    expect(denied.status).toBe(404);
  });

  it('keeps the first kinds readable but signs them no more', async () => {
    await refused(
      ru,
      'ru-duty',
      'briefing',
      { title: 'Old style', agenda: [] },
      400,
      'body_invalid',
      /kept for old entries only; use 'briefing-proposal'/,
    );
    await refused(
      ru,
      'ru-head',
      'invitation',
      { what: 'Visit', where: 'Moscow', respondBy: '2031-01-01' },
      400,
      'body_invalid',
      /use 'invitation-proposal'/,
    );
  });
});

describe('an invitation', () => {
  const terms = (extra: Record<string, unknown> = {}) => ({
    type: 'visit',
    what: 'Visit of the US delegation to Moscow',
    where: 'Moscow',
    window: { from: day(clock.now() + 30 * DAY), to: day(clock.now() + 33 * DAY) },
    respondBy: day(clock.now() + 10 * DAY),
    ...extra,
  });

  it('refuses an answer date already past, or after the window, and a window backwards', async () => {
    await refused(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ respondBy: day(clock.now() - DAY) }),
      400,
      'body_invalid',
      /^respondBy: .* the answer date must be in the future/,
    );
    await refused(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ respondBy: day(clock.now() + 40 * DAY) }),
      400,
      'body_invalid',
      /^respondBy: .* after the window ends/,
    );
    await refused(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ window: { from: day(clock.now() + 5 * DAY), to: day(clock.now() + 4 * DAY) } }),
      400,
      'body_invalid',
      /^window\.to: must not be before from/,
    );
  });

  it('is owed an answer, counter-proposed, and accepted; an answer to the superseded terms is refused', async () => {
    const invite = await post(ru, 'ru-head', 'invitation-proposal', terms());
    await arrived(us, invite);
    const owing = await api<{
      obligations: Array<{ type: string; subject?: string; owedTo: string; item: { id: string } }>;
    }>(us, 'us-head', 'GET', '/api/v1/obligations?direction=owing&channel=intel');
    expect(owing.body.obligations).toContainEqual(
      expect.objectContaining({
        type: 'invitation-answer',
        subject: 'Visit of the US delegation to Moscow',
        owedTo: 'RU',
        item: expect.objectContaining({ id: invite.id }),
      }),
    );
    await refused(
      us,
      'us-head',
      'invitation-counter',
      { of: ref(invite), to: ref(invite), respondBy: day(clock.now() + 5 * DAY) },
      400,
      'body_invalid',
      /^window: a counter-proposal gives another window or place/,
    );
    await refused(
      us,
      'us-head',
      'invitation-counter',
      { of: ref(invite), to: ref(invite), where: 'Geneva', respondBy: day(clock.now() - 2 * DAY) },
      400,
      'body_invalid',
      /^respondBy: .* must be in the future/,
    );
    const counter = await post(us, 'us-head', 'invitation-counter', {
      of: ref(invite),
      to: ref(invite),
      where: 'Geneva',
      respondBy: day(clock.now() + 8 * DAY),
      note: 'A neutral venue',
    });
    await refused(
      us,
      'us-head',
      'invitation-response',
      { of: ref(invite), to: ref(invite), answer: 'accept' },
      409,
      'state_conflict',
      /^to: .* is superseded by .*; answer the current proposal/,
    );
    await refused(
      us,
      'us-head',
      'invitation-response',
      { of: ref(invite), to: ref(counter), answer: 'accept' },
      400,
      'ref_invalid',
      /answered by the other parties/,
    );
    await arrived(ru, counter);
    // The counter-proposal is now owed an answer by RU.
    const ruOwes = await api<{ obligations: Array<{ type: string; owedTo: string }> }>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/obligations?direction=owing&channel=intel',
    );
    expect(ruOwes.body.obligations).toContainEqual(
      expect.objectContaining({ type: 'invitation-answer', owedTo: 'US' }),
    );
    await post(ru, 'ru-head', 'invitation-response', { of: ref(invite), to: ref(counter), answer: 'accept' });
    expect(await invitation(ru, invite.id)).toMatchObject({
      state: 'accepted',
      awaiting: [],
      current: { where: 'Geneva' },
    });
    await refused(
      ru,
      'ru-head',
      'invitation-response',
      { of: ref(invite), to: ref(counter), answer: 'decline' },
      409,
      'state_conflict',
      /already accepted/,
    );
  });

  it('once withdrawn, refuses answers and counter-proposals', async () => {
    const invite = await post(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ type: 'meeting', what: 'Meeting of experts' }),
    );
    await arrived(us, invite);
    await refused(
      us,
      'us-head',
      'invitation-withdraw',
      { of: ref(invite) },
      403,
      'forbidden',
      /only RU, who invited/,
    );
    const withdrawn = await post(ru, 'ru-head', 'invitation-withdraw', {
      of: ref(invite),
      reason: 'Overtaken by events',
    });
    await arrived(us, withdrawn);
    await refused(
      us,
      'us-head',
      'invitation-response',
      { of: ref(invite), to: ref(invite), answer: 'accept' },
      409,
      'state_conflict',
      /was withdrawn/,
    );
    await refused(
      us,
      'us-head',
      'invitation-counter',
      { of: ref(invite), to: ref(invite), where: 'Vienna', respondBy: day(clock.now() + 5 * DAY) },
      409,
      'state_conflict',
      /was withdrawn/,
    );
    expect((await invitation(us, invite.id)).state).toBe('withdrawn');
    const owing = await api<{ obligations: Array<{ item: { id: string } }> }>(
      us,
      'us-head',
      'GET',
      '/api/v1/obligations?direction=owing&channel=intel',
    );
    expect(owing.body.obligations.map((o) => o.item.id)).not.toContain(invite.id);
  });
});
