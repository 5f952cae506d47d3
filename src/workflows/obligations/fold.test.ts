import { describe, expect, it } from 'vitest';
import type { CanonicalValue } from '../../core/canonical-json.js';
import { formatHlc } from '../../core/hlc.js';
import type { LoggedEntry } from '../../core/kinds.js';
import { DEFAULT_OBJECTIVES } from '../../core/objectives.js';
import { ChannelLedger, EXCERPT_LENGTH, stepsDue } from './fold.js';
import { compareFields } from './read-back.js';

const T0 = Date.parse('2026-02-20T08:00:00.000Z');
const MIN = 60_000;
const seqs: Record<string, number> = {};

function entry(
  party: string,
  kind: string,
  at: number,
  body: Record<string, CanonicalValue>,
  extra = {},
): LoggedEntry {
  const seq = (seqs[party] = (seqs[party] ?? -1) + 1);
  return {
    id: `intel/${party}/${seq}`,
    party,
    seq,
    hash: `${party}${seq}`.padEnd(64, '0'),
    kind,
    author: `${party.toLowerCase()}-head`,
    precedence: 'FLASH',
    lang: 'en',
    hlc: formatHlc({ wall: at, counter: 0 }),
    body,
    ...extra,
  };
}
const of = (e: LoggedEntry) => ({ party: e.party, seq: e.seq, hash: e.hash });
const ledger = (entries: LoggedEntry[]) =>
  new ChannelLedger(
    { id: 'intel', parties: ['RU', 'US'], objectives: DEFAULT_OBJECTIVES },
    entries,
    (k) => k === 'note',
  );

describe('ChannelLedger', () => {
  const flash = entry('RU', 'note', T0, { text: 'Exercise 21–23 February' });

  it('owes delivery and a response, each with the precedence’s deadline', () => {
    const owed = ledger([flash]).obligations(T0 + 30_000);
    expect(owed.map((o) => [o.type, o.owedBy, o.due - T0, o.overdue])).toEqual([
      ['delivery', 'US', 1 * MIN, false],
      ['response', 'US', 10 * MIN, false],
    ]);
    const later = ledger([flash, entry('US', 'received', T0 + 2 * MIN, { of: of(flash) })]).obligations(
      T0 + 11 * MIN,
    );
    expect(later.map((o) => [o.type, o.overdue])).toEqual([['response', true]]);
  });

  it('says what each item is about: its subject and the opening words of its text, cut at a word', () => {
    const long = entry('RU', 'note', T0, { subject: ' Ships ', text: `${'words '.repeat(40)}\n end` });
    const [delivery] = ledger([long]).obligations(T0);
    expect(delivery!.subject).toBe('Ships');
    expect(delivery!.excerpt!.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(delivery!.excerpt).toMatch(/^words words .*words…$/);
    expect(ledger([flash]).obligations(T0)[0]).toMatchObject({ excerpt: 'Exercise 21–23 February' });
    expect(ledger([flash]).obligations(T0)[0]!.subject).toBeUndefined();
  });

  it('counts receipts only for the exact entry they name: wrong hash or unwritten entry count for nothing', () => {
    const wrongHash = { ...of(flash), hash: 'f'.repeat(64) };
    const forged = [
      entry('US', 'received', T0, { of: wrongHash }),
      entry('US', 'receipt', T0 + MIN, { of: wrongHash, level: 'understood' }),
      // A receipt for a seq not written yet must not make every later entry delivered.
      entry('US', 'received', T0, { of: { party: 'RU', seq: 1_000_000, hash: 'e'.repeat(64) } }),
    ];
    const owed = ledger([flash, ...forged]).obligations(T0 + 30_000);
    expect(owed.map((o) => o.type)).toEqual(['delivery', 'response']);
  });

  it('closes on understood without read-back and on declined; a deferral moves the deadline', () => {
    const understood = entry('US', 'receipt', T0 + MIN, { of: of(flash), level: 'understood' });
    const received = entry('US', 'received', T0, { of: of(flash) });
    expect(ledger([flash, received, understood]).obligations(T0 + 60 * MIN)).toEqual([]);
    const declined = entry('US', 'response', T0 + MIN, { of: of(flash), response: 'declined', reason: 'no' });
    expect(ledger([flash, received, declined]).obligations(T0 + 60 * MIN)).toEqual([]);
    const until = '2026-02-21T08:00:00.000Z';
    const deferred = entry('US', 'response', T0 + MIN, {
      of: of(flash),
      response: 'deferred',
      reason: 'r',
      until,
    });
    const [owed] = ledger([flash, received, deferred]).obligations(T0 + 60 * MIN);
    expect(owed).toMatchObject({ type: 'response', due: Date.parse(until), overdue: false });
    // A read receipt is not a response.
    const read = entry('US', 'receipt', T0 + MIN, { of: of(flash), level: 'read' });
    expect(
      ledger([flash, received, read])
        .obligations(T0)
        .map((o) => o.type),
    ).toEqual(['response']);
  });

  it('turns a read-back into a review owed by the sender; a correction reopens the response', () => {
    const received = entry('US', 'received', T0, { of: of(flash) });
    const readBack = entry('US', 'receipt', T0 + MIN, {
      of: of(flash),
      level: 'understood',
      readBack: '21–22',
    });
    const pending = ledger([flash, received, readBack]);
    expect(pending.obligations(T0 + 2 * MIN).map((o) => [o.type, o.owedBy, o.about.id])).toEqual([
      ['readback-confirmation', 'RU', readBack.id],
    ]);
    const corrected = entry('RU', 'readback-review', T0 + 3 * MIN, {
      of: of(readBack),
      outcome: 'corrected',
      correction: '21–23',
    });
    const reopened = ledger([flash, received, readBack, corrected]).obligations(T0 + 4 * MIN);
    expect(reopened.map((o) => [o.type, o.owedBy, o.since - T0, o.note])).toEqual([
      ['response', 'US', 3 * MIN, 'read-back corrected: 21–23'],
    ]);
    const again = entry('US', 'receipt', T0 + 5 * MIN, {
      of: of(flash),
      level: 'understood',
      readBack: '21–23',
    });
    const confirmed = entry('RU', 'readback-review', T0 + 6 * MIN, { of: of(again), outcome: 'confirmed' });
    const done = ledger([flash, received, readBack, corrected, again, confirmed]);
    expect(done.obligations(T0 + 7 * MIN)).toEqual([]);
    expect(done.response(flash, 'US').state).toBe('readback-confirmed');
  });

  it('owes the sender an answer to a clarification request until it is answered', () => {
    const received = entry('US', 'received', T0, { of: of(flash) });
    const understood = entry('US', 'receipt', T0 + MIN, { of: of(flash), level: 'understood' });
    const question = entry('US', 'clarification-request', T0 + 2 * MIN, {
      of: of(flash),
      passage: { start: 0, end: 8, quote: 'Exercise' },
      question: 'Where?',
    });
    const open = ledger([flash, received, understood, question]).obligations(T0 + 3 * MIN);
    expect(open.map((o) => [o.type, o.owedBy, o.owedTo, o.due - T0])).toEqual([
      ['clarification', 'RU', 'US', 12 * MIN],
    ]);
    const answer = entry('RU', 'clarification', T0 + 4 * MIN, { of: of(question), text: 'Here.' });
    expect(ledger([flash, received, understood, question, answer]).obligations(T0 + 5 * MIN)).toEqual([]);
  });
});

describe('ChannelLedger with a party that joined later', () => {
  const facts = (joined: Record<string, number>) => ({
    id: 'intel',
    parties: ['RU', 'US', 'FR'],
    objectives: DEFAULT_OBJECTIVES,
    joined,
  });
  const before = entry('RU', 'note', T0, { text: 'Sent before FR joined' });
  const after = entry('RU', 'note', T0 + 10 * MIN, { text: 'Sent after FR joined' });

  it('owes FR nothing for items sent before it joined, nor anything before its chain began', () => {
    const owedBy = (joined: Record<string, number>) =>
      new ChannelLedger(facts(joined), [before, after], (k) => k === 'note')
        .obligations(T0 + 11 * MIN)
        .map((o) => `${o.type}:${o.owedBy}:${o.item.seq}`);
    // Invited, not yet accepted: FR's chain has not begun.
    expect(owedBy({ RU: T0 - MIN, US: T0 - MIN })).toEqual([
      `delivery:US:${before.seq}`,
      `response:US:${before.seq}`,
      `delivery:US:${after.seq}`,
      `response:US:${after.seq}`,
    ]);
    // Joined between the two items: FR owes for the second only.
    expect(owedBy({ RU: T0 - MIN, US: T0 - MIN, FR: T0 + 5 * MIN })).toEqual([
      `delivery:US:${before.seq}`,
      `response:US:${before.seq}`,
      `delivery:US:${after.seq}`,
      `response:US:${after.seq}`,
      `delivery:FR:${after.seq}`,
      `response:FR:${after.seq}`,
    ]);
  });
});

describe('stepsDue', () => {
  const [response] = ledger([entry('RU', 'note', T0, { text: 'x' })])
    .obligations(T0)
    .filter((o) => o.type === 'response');

  it('tells the owing party’s duty officers at the deadline and its head half a window later', () => {
    expect(stepsDue(response!, 'US', T0 + 10 * MIN)).toEqual([]);
    expect(stepsDue(response!, 'US', T0 + 10 * MIN + 1)).toEqual(['duty-officers']);
    expect(stepsDue(response!, 'US', T0 + 15 * MIN + 1)).toEqual(['duty-officers', 'head']);
  });

  it('tells the party owed that its item is overdue, and nobody else', () => {
    expect(stepsDue(response!, 'RU', T0 + 11 * MIN)).toEqual(['overdue']);
    expect(stepsDue(response!, 'NATO', T0 + 11 * MIN)).toEqual([]);
  });

  it('takes a lapsed commitment to its owners at the end of the period, their heads half a period later, on the lapsing side only', () => {
    const DAY = 24 * 60 * MIN;
    const lapse = { ...response!, type: 'commitment-lapse' as const, since: T0, due: T0 + DAY, owedTo: 'RU' };
    expect(stepsDue(lapse, 'US', T0 + DAY)).toEqual([]);
    expect(stepsDue(lapse, 'US', T0 + DAY + 1)).toEqual(['owners']);
    expect(stepsDue(lapse, 'US', T0 + 1.5 * DAY + 1)).toEqual(['owners', 'head']);
    expect(stepsDue(lapse, 'RU', T0 + 2 * DAY)).toEqual([]);
  });
});

describe('compareFields', () => {
  it('compares field by field, ignoring case and spacing, numbers by value', () => {
    const original = { area: 'Kaliningrad  region', from: '2026-02-21', to: '2026-02-23', troops: 3000 };
    expect(
      compareFields(original, {
        area: 'kaliningrad region',
        from: '2026-02-21',
        to: '2026-02-22',
        troops: '3000',
      }),
    ).toEqual([
      { field: 'area', expected: 'Kaliningrad  region', readBack: 'kaliningrad region', match: true },
      { field: 'from', expected: '2026-02-21', readBack: '2026-02-21', match: true },
      { field: 'to', expected: '2026-02-23', readBack: '2026-02-22', match: false },
      { field: 'troops', expected: 3000, readBack: '3000', match: true },
    ]);
  });

  it('reads an en dash or a typographic quote as the plain one, but not other words', () => {
    const original = { dates: '21–23 February', unit: '“North” group' };
    const result = compareFields(original, { dates: '21-23 february', unit: '"north" group' });
    expect(result.map((r) => r.match)).toEqual([true, true]);
    expect(
      compareFields(original, { dates: '21-24 February', unit: 'South group' }).map((r) => r.match),
    ).toEqual([false, false]);
  });

  it('compares nested fields by dotted name', () => {
    expect(compareFields({ area: { lat: 54, lon: 20 } }, { 'area.lat': '54', 'area.lon': 21 })).toEqual([
      { field: 'area.lat', expected: 54, readBack: '54', match: true },
      { field: 'area.lon', expected: 20, readBack: 21, match: false },
    ]);
  });

  it('reports fields missing on either side as mismatches', () => {
    expect(compareFields({ a: 1 }, { b: 2 })).toEqual([
      { field: 'a', expected: 1, readBack: null, match: false },
      { field: 'b', expected: null, readBack: 2, match: false },
    ]);
  });
});
