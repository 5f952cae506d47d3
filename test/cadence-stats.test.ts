/**
 * The cadence dashboard's figures, computed in the browser from entry pages and link tests:
 * contacts per ISO week per channel, response times by precedence, link uptime and round trip.
 */
import { describe, expect, it } from 'vitest';
import {
  alignRtt,
  contactsPerWeek,
  isoWeek,
  linkStats,
  median,
  responseTimes,
  weekStart,
  type StatEntry,
} from '../web/src/features/contacts/cadence-stats.js';

const at = (iso: string, counter = 0) => `${new Date(iso).toISOString()}/${String(counter).padStart(6, '0')}`;

function entry(
  party: string,
  seq: number,
  kind: string,
  hlc: string,
  extra: Partial<StatEntry> = {},
): StatEntry {
  return {
    party,
    seq,
    kind,
    author: `${party.toLowerCase()}-duty`,
    hlc,
    precedence: 'ROUTINE',
    body: {},
    ...extra,
  };
}

describe('cadence figures', () => {
  it('finds ISO weeks (Monday to Sunday, UTC)', () => {
    expect(new Date(weekStart(Date.parse('2026-02-12T17:00Z'))).toISOString()).toBe(
      '2026-02-09T00:00:00.000Z',
    );
    expect(new Date(weekStart(Date.parse('2026-02-15T23:59Z'))).toISOString()).toBe(
      '2026-02-09T00:00:00.000Z',
    );
    expect(isoWeek(Date.parse('2026-02-12T00:00Z'))).toBe('2026-W07');
    expect(isoWeek(Date.parse('2027-01-01T00:00Z'))).toBe('2026-W53');
    expect(isoWeek(Date.parse('2024-12-30T00:00Z'))).toBe('2025-W01');
  });

  it('counts real contact per week per channel, quiet weeks as zero', () => {
    const weekly = contactsPerWeek([
      {
        channel: 'intel',
        entries: [
          entry('RU', 0, 'note', at('2026-02-02T10:00Z')),
          entry('US', 0, 'notification', at('2026-02-03T10:00Z')),
          // Receipts, the node's entries, charter changes and exercises are not contact.
          entry('US', 1, 'receipt', at('2026-02-03T11:00Z')),
          entry('US', 2, 'received', at('2026-02-03T10:00Z'), { author: 'node' }),
          entry('US', 3, 'principal-key', at('2026-02-03T10:00Z'), { author: 'node' }),
          entry('RU', 2, 'channel-change', at('2026-02-04T10:00Z')),
          entry('RU', 3, 'note', at('2026-02-04T10:00Z'), { marking: 'EXERCISE' }),
          entry('RU', 1, 'note', at('2026-02-18T10:00Z')),
        ],
      },
      { channel: 'council', entries: [entry('RU', 0, 'note', at('2026-02-10T10:00Z'))] },
    ]);
    expect(weekly.weeks.map(isoWeek)).toEqual(['2026-W06', '2026-W07', '2026-W08']);
    expect(weekly.series).toEqual([
      { channel: 'intel', counts: [2, 0, 1] },
      { channel: 'council', counts: [0, 1, 0] },
    ]);
    const padded = contactsPerWeek(
      [{ channel: 'intel', entries: [entry('RU', 0, 'note', at('2026-02-02T10:00Z'))] }],
      Date.parse('2026-03-04T00:00Z'),
      6,
    );
    expect(padded.weeks.map(isoWeek)).toEqual([
      '2026-W05',
      '2026-W06',
      '2026-W07',
      '2026-W08',
      '2026-W09',
      '2026-W10',
    ]);
    expect(contactsPerWeek([{ channel: 'x', entries: [] }]).weeks).toEqual([]);
  });

  it('measures response times to the first understood receipt of another party, median per precedence', () => {
    const receipt = (party: string, seq: number, of: [string, number], level: string, time: string) =>
      entry(party, seq, 'receipt', at(time), { body: { of: { party: of[0], seq: of[1] }, level } });
    const times = responseTimes([
      [
        entry('RU', 0, 'note', at('2026-02-02T10:00Z'), { precedence: 'FLASH' }),
        entry('RU', 1, 'notification', at('2026-02-02T11:00Z'), { precedence: 'FLASH' }),
        entry('RU', 2, 'note', at('2026-02-02T12:00Z'), { precedence: 'ROUTINE' }),
        receipt('US', 0, ['RU', 0], 'read', '2026-02-02T10:01Z'),
        receipt('US', 1, ['RU', 0], 'understood', '2026-02-02T10:04Z'),
        receipt('US', 2, ['RU', 0], 'understood', '2026-02-02T10:09Z'),
        receipt('US', 3, ['RU', 1], 'understood', '2026-02-02T11:02Z'),
        // The sender's own receipt does not count.
        receipt('RU', 3, ['RU', 2], 'understood', '2026-02-02T12:01Z'),
      ],
    ]);
    expect(times.find((t) => t.precedence === 'FLASH')).toEqual({
      precedence: 'FLASH',
      count: 2,
      medianMs: 3 * 60_000,
    });
    expect(times.find((t) => t.precedence === 'ROUTINE')).toEqual({
      precedence: 'ROUTINE',
      count: 0,
      medianMs: null,
    });
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNull();
  });

  it('computes uptime and round trip per peer, aligned on one time axis', () => {
    const tests = [
      { at: 1000, ok: true, rttMs: 4 },
      { at: 2000, ok: false, rttMs: null },
      { at: 3000, ok: true, rttMs: 8 },
      { at: 4000, ok: true, rttMs: 6 },
    ];
    expect(linkStats('US', tests)).toEqual({ party: 'US', tests: 4, uptime: 0.75, medianRttMs: 6 });
    expect(linkStats('CN', [])).toEqual({ party: 'CN', tests: 0, uptime: null, medianRttMs: null });
    const aligned = alignRtt([
      { party: 'US', tests: tests.slice(0, 2) },
      { party: 'CN', tests: [{ at: 3000, ok: true, rttMs: 9 }] },
    ]);
    expect(aligned).toEqual({
      times: [1, 2, 3],
      series: [
        [4, null, null],
        [null, null, 9],
      ],
    });
  });
});
