// A briefing's life: proposed, accepted, held with minutes, amended, moved, cancelled, recurring.
import { describe, expect, it } from 'vitest';
import { api, eventually } from './support/node-process.js';
import type { InProcessParty } from './support/in-process.js';
import { arrived, DAY, entriesWith, head, HOUR, ref, useIntelPair } from './support/intel-pair.js';

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

let ru: InProcessParty;
let us: InProcessParty;
const clock = useIntelPair((a, b) => void ([ru, us] = [a, b]));
const { post, refused } = entriesWith({ lang: 'en' });

const at = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => at(ms).slice(0, 10);

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
    // To an hour after the second occurrence, whatever the time of day the test starts at.
    clock.advance(start + 7 * DAY + HOUR - clock.now());
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
