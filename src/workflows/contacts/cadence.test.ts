import { describe, expect, it } from 'vitest';
import { addDuration, cadence } from './cadence.js';

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
    expect(result.periods.map((p) => [p.kept, p.by])).toEqual([
      [true, ['a', 'b']],
      [false, ['c']],
      [false, []],
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
    expect(result.kept).toBe(true);
    const held = cadence(
      'briefing',
      'P1M',
      from,
      from + 40 * day,
      [{ at: from + 3 * day, party: 'RU', id: 'm' }],
      {},
    );
    expect(held.periods.map((p) => p.kept)).toEqual([true, false]);
    expect(held.kept).toBe(true);
  });
});
