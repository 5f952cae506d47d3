import { describe, expect, it } from 'vitest';
import { contactsPerWeek, isoWeek, percentile, responseTimes, type TimedEntry } from './metrics.js';

const t = (iso: string) => Date.parse(iso);
const item = (seq: number, precedence: string, at: string, marking?: string): TimedEntry => ({
  party: 'RU',
  seq,
  kind: 'note',
  precedence,
  at: t(at),
  marking,
  body: {},
});
const understood = (party: string, seq: number, of: number, at: string): TimedEntry => ({
  party,
  seq,
  kind: 'receipt',
  precedence: 'ROUTINE',
  at: t(at),
  body: { of: { party: 'RU', seq: of }, level: 'understood' },
});

describe('channel metrics', () => {
  it('counts contact per ISO week up to now, quiet weeks as zero, nothing after now', () => {
    const now = t('2026-02-18T12:00Z');
    const weeks = contactsPerWeek(
      [
        { at: t('2026-02-02T10:00Z'), party: 'RU', id: 'a' },
        { at: t('2026-02-03T10:00Z'), party: 'US', id: 'b' },
        { at: t('2026-02-17T10:00Z'), party: '*', id: 'c' },
        { at: t('2026-02-19T10:00Z'), party: 'RU', id: 'future' },
      ],
      now,
      3,
    );
    expect(weeks.map((w) => [w.week, w.contacts])).toEqual([
      ['2026-W06', 2],
      ['2026-W07', 0],
      ['2026-W08', 1],
    ]);
    expect(isoWeek(t('2027-01-01T00:00Z'))).toBe('2026-W53');
  });

  it('measures response times by precedence as median and p90, from the first understood of another party', () => {
    const times = responseTimes([
      item(0, 'FLASH', '2026-02-02T10:00Z'),
      item(1, 'FLASH', '2026-02-02T11:00Z'),
      item(2, 'ROUTINE', '2026-02-02T12:00Z'),
      item(3, 'FLASH', '2026-02-02T13:00Z', 'EXERCISE'),
      understood('US', 0, 0, '2026-02-02T10:04Z'),
      understood('US', 1, 0, '2026-02-02T10:09Z'),
      understood('US', 2, 1, '2026-02-02T11:02Z'),
      understood('US', 3, 3, '2026-02-02T13:01Z'),
      // The sender's own receipt does not count.
      understood('RU', 4, 2, '2026-02-02T12:01Z'),
    ]);
    expect(times.find((x) => x.precedence === 'FLASH')).toEqual({
      precedence: 'FLASH',
      answered: 2,
      items: 2,
      medianMs: 3 * 60_000,
      p90Ms: 4 * 60_000,
    });
    expect(times.find((x) => x.precedence === 'ROUTINE')).toMatchObject({
      answered: 0,
      items: 1,
      medianMs: null,
    });
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 90)).toBeNull();
  });
});
