import { describe, expect, it } from 'vitest';
import { addDuration, cadence, isContact, periodProblem, periodStart } from './cadence.js';

const day = 86_400_000;
const from = Date.parse('2026-02-14T09:00:00Z');

describe('addDuration', () => {
  it('adds days, weeks and calendar months in UTC', () => {
    expect(addDuration(from, 'P14D')).toBe(from + 14 * day);
    expect(addDuration(from, 'P2W')).toBe(from + 14 * day);
    expect(new Date(addDuration(from, 'P1M')).toISOString()).toBe('2026-03-14T09:00:00.000Z');
    expect(new Date(addDuration(from, 'P1M', 3)).toISOString()).toBe('2026-05-14T09:00:00.000Z');
  });
});

describe('cadence', () => {
  it('keeps a contact commitment only in periods where every party spoke', () => {
    const events = [
      { at: from + 1 * day, party: 'RU', id: 'a' },
      { at: from + 2 * day, party: 'US', id: 'b' },
      { at: from + 15 * day, party: 'RU', id: 'c' },
    ];
    const result = cadence('contact', 'P14D', from, from + 30 * day, events, { RU: 0, US: 0 });
    expect(result.periods.map((p) => [p.kept, p.by, p.missing])).toEqual([
      [true, ['a', 'b'], []],
      [false, ['c'], ['US']],
      [false, [], ['RU', 'US']],
    ]);
    expect(result.current?.from).toBe(from + 28 * day);
    expect(result.nextDue).toBe(from + 42 * day);
    expect(result.kept).toBe(false);
    expect(result.lastContact).toBe(from + 15 * day);
  });

  it('asks a party that joined later only for the periods that began after it joined', () => {
    const events = [
      { at: from + 1 * day, party: 'RU', id: 'a' },
      { at: from + 2 * day, party: 'US', id: 'b' },
      { at: from + 15 * day, party: 'RU', id: 'c' },
      { at: from + 16 * day, party: 'US', id: 'd' },
    ];
    const joined = { RU: 0, US: 0, FR: from + 10 * day };
    const result = cadence('contact', 'P14D', from, from + 29 * day, events, joined);
    // FR joined during the first period: not asked for it, asked (and silent) in the second.
    expect(result.periods.map((p) => p.kept)).toEqual([true, false, false]);
    const fr = cadence(
      'contact',
      'P14D',
      from,
      from + 29 * day,
      [...events, { at: from + 20 * day, party: 'FR', id: 'e' }],
      joined,
    );
    expect(fr.periods.map((p) => p.kept)).toEqual([true, true, false]);
  });

  it('keeps a briefing commitment with one held briefing per period; the open period is not yet missed', () => {
    const result = cadence('briefing', 'P1M', from, from + 10 * day, [], { RU: 0, US: 0 });
    expect(result.periods).toHaveLength(1);
    expect(result.current?.kept).toBe(false);
    // No period has closed: nothing is kept or missed yet.
    expect(result.kept).toBeNull();
    expect(result.closed).toBe(0);
    const held = cadence(
      'briefing',
      'P1M',
      from,
      from + 40 * day,
      [{ at: from + 3 * day, party: '*', id: 'm' }],
      { RU: 0 },
    );
    expect(held.periods.map((p) => p.kept)).toEqual([true, false]);
    expect(held.kept).toBe(true);
  });
});

describe('who is asked', () => {
  it('lists no period before the commitment binds anyone, and asks an accepting party from the period it accepted in', () => {
    expect(periodStart(from, 'P14D', from - day)).toBe(from);
    expect(periodStart(from, 'P14D', from + 20 * day)).toBe(from + 14 * day);
    const result = cadence('contact', 'P14D', from, from + 30 * day, [], { RU: from + 14 * day });
    expect(result.periods.map((p) => p.from)).toEqual([from + 14 * day, from + 28 * day]);
    expect(result.nextDue).toBe(from + 42 * day);
    const nobody = cadence('contact', 'P14D', from, from + 30 * day, [], {});
    expect(nobody.periods).toEqual([]);
    expect(nobody.kept).toBeNull();
  });
});

describe('what keeps a period', () => {
  it('counts only what happened inside a period and by now: a future-dated entry keeps nothing', () => {
    const now = from + 10 * day;
    const events = [{ at: from + 12 * day, party: '*', id: 'future-minutes' }];
    const result = cadence('briefing', 'P14D', from, now, events, { RU: 0 });
    expect(result.current?.kept).toBe(false);
    expect(result.lastContact).toBeNull();
    const later = cadence('briefing', 'P14D', from, from + 13 * day, events, { RU: 0 });
    expect(later.current?.kept).toBe(true);
  });

  it('is contact only for exchanges between people and held briefings, never system, charter, key or receipt entries', () => {
    for (const kind of ['note', 'notification', 'clarification', 'briefing-record'])
      expect(isContact({ kind, author: 'ru-head' })).toBe(true);
    for (const kind of ['receipt', 'charter', 'channel-change', 'translation', 'commitment', 'contact-order'])
      expect(isContact({ kind, author: 'ru-head' })).toBe(false);
    for (const kind of ['received', 'principal-key', 'escalation', 'link-test'])
      expect(isContact({ kind, author: 'node' })).toBe(false);
    expect(isContact({ kind: 'note', author: 'ru-head', marking: 'EXERCISE' })).toBe(false);
  });

  it('takes periods from one day to one year, and names what is wrong with any other', () => {
    for (const every of ['P1D', 'P14D', 'P2W', 'P1M', 'P12M', 'P1Y', 'P366D', 'P52W'])
      expect(periodProblem(every)).toBeNull();
    expect(periodProblem('P0D')).toMatch(/shorter than a day/);
    expect(periodProblem('P999M')).toMatch(/longer than a year/);
    expect(periodProblem('P2Y')).toMatch(/longer than a year/);
    expect(periodProblem('PT1H')).toMatch(/days, weeks, months or a year/);
    expect(new Date(addDuration(from, 'P1Y')).toISOString()).toBe('2027-02-14T09:00:00.000Z');
  });
});
