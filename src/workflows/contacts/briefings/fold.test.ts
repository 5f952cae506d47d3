import { describe, expect, it } from 'vitest';
import type { LoggedEntry } from '../../../core/kinds.js';
import { loggedEntryMaker, refTo } from '../../../core/test-support/logged-entries.js';
import { callMinutes, proposedCall } from './test-support/briefing-entries.js';
import { amendmentRefusal, foldBriefing, refusal } from './fold.js';
import { briefingProposalBody, briefingRecordKind } from './kinds.js';
import { checkRecurrence, occurrences } from './recurrence.js';

const offices = { RU: ['ru-ops'], US: ['us-ops'] };
const entry = loggedEntryMaker({ start: '2026-02-10T09:00Z', role: 'duty' });
const proposal = (extra: Record<string, unknown> = {}) => proposedCall(entry, 0, extra);
const record = (p: LoggedEntry, party: string, minute: number, extra: Record<string, unknown> = {}) =>
  callMinutes(entry, p, party, minute, extra);

describe('the briefing fold', () => {
  it('waits for the other side, then holds once; a second set of minutes written concurrently is listed, not hidden', () => {
    const p = proposal();
    expect(foldBriefing(p, [], offices).occurrences[0]).toMatchObject({
      state: 'proposed',
      waitingFor: ['US'],
    });
    const accept = entry('US', 'briefing-answer', { of: refTo(p), answer: 'accept' }, 1);
    const view = foldBriefing(p, [accept, record(p, 'RU', 3), record(p, 'US', 4)], offices);
    expect(view.occurrences[0]!.state).toBe('held');
    expect(view.occurrences[0]!.minutes!.text).toBe('RU minutes');
    expect(view.refused).toEqual([
      expect.objectContaining({
        party: 'US',
        kind: 'briefing-record',
        reason: expect.stringContaining('already recorded'),
      }),
    ]);
  });

  it('amends only the minutes in effect: an amendment of refused minutes is listed, not applied', () => {
    const p = proposal();
    const accept = entry('US', 'briefing-answer', { of: refTo(p), answer: 'accept' }, 1);
    const kept = record(p, 'RU', 3);
    const second = record(p, 'US', 4);
    const amend = (of: LoggedEntry, minute: number) =>
      entry(of.party, 'briefing-amendment', { of: refTo(of), minutes: 'corrected', reason: 'typo' }, minute);
    const ofKept = amend(kept, 5);
    const ofSecond = amend(second, 6);
    const view = foldBriefing(p, [accept, kept, second, ofKept, ofSecond], offices);
    expect(view.occurrences[0]!.minutes).toMatchObject({ id: kept.id, text: 'corrected' });
    expect(view.occurrences[0]!.minutes!.amendments.map((a) => a.id)).toEqual([ofKept.id]);
    expect(view.refused.map((r) => [r.id, r.kind])).toEqual([
      [second.id, 'briefing-record'],
      [ofSecond.id, 'briefing-amendment'],
    ]);
    expect(view.refused[1]!.reason).toContain('not the minutes in effect');
    expect(amendmentRefusal(view, kept.id)).toBeNull();
    expect(amendmentRefusal(view, second.id)).toMatchObject({ code: 'state_conflict' });
  });

  it('applies entries in timestamp order, not storage order, and resets answers on a new time', () => {
    const p = proposal();
    const accept = entry('US', 'briefing-answer', { of: refTo(p), answer: 'accept' }, 1);
    const moved = entry(
      'RU',
      'briefing-change',
      { of: refTo(p), change: 'reschedule', reason: 'Clash', start: '2026-02-13T10:00Z' },
      2,
    );
    const cancel = entry('RU', 'briefing-change', { of: refTo(p), change: 'cancel', reason: 'Off' }, 5);
    const late = entry('US', 'briefing-answer', { of: refTo(p), answer: 'accept' }, 6);
    const view = foldBriefing(p, [late, cancel, moved, accept], offices);
    expect(view.occurrences[0]).toMatchObject({
      state: 'cancelled',
      start: '2026-02-13T10:00:00.000Z',
      answers: [],
    });
    expect(view.refused.map((r) => r.id)).toEqual([late.id]);
  });

  it('gives each occurrence of a recurring briefing its own state; a series answer applies to every open one', () => {
    const p = proposal({ rrule: 'FREQ=WEEKLY;COUNT=3' });
    const cancel = entry(
      'RU',
      'briefing-change',
      { of: refTo(p), occurrence: '2026-02-19T16:00:00.000Z', change: 'cancel', reason: 'Holiday' },
      1,
    );
    const all = entry('US', 'briefing-answer', { of: refTo(p), answer: 'accept' }, 2);
    const view = foldBriefing(p, [cancel, all], offices);
    expect(view.occurrences.map((o) => o.state)).toEqual(['accepted', 'cancelled', 'accepted']);
    expect(refusal(view, { kind: 'briefing-record', party: 'RU', body: { of: refTo(p) } })).toMatchObject({
      code: 'body_invalid',
    });
    expect(
      refusal(view, {
        kind: 'briefing-record',
        party: 'RU',
        body: { of: refTo(p), occurrence: '2026-02-19T16:00Z' },
      }),
    ).toMatchObject({ code: 'state_conflict', message: expect.stringContaining('cancelled') });
    expect(
      refusal(view, { kind: 'briefing-answer', party: 'FR', body: { of: refTo(p), answer: 'accept' } }),
    ).toMatchObject({ code: 'forbidden' });
  });
});

describe('briefing rules checked by every node', () => {
  it('refuses minutes dated after the entry’s own timestamp, by that timestamp alone', () => {
    const at = Date.parse('2026-02-12T17:00:00Z');
    const body = {
      of: { party: 'RU', seq: 1, hash: 'h'.repeat(64) },
      heldAt: '2026-02-12T16:00Z',
      durationMinutes: 30,
      minutes: 'x',
      attended: [],
      noShows: [],
    };
    expect(briefingRecordKind.timed!(body, at)).toBeNull();
    expect(briefingRecordKind.timed!({ ...body, heldAt: '2031-02-12T16:00Z' }, at)).toMatch(/^heldAt: /);
  });

  it('bounds recurrence rules: they must end, repeat at most daily and give at most 366 occurrences', () => {
    expect(checkRecurrence('FREQ=MONTHLY;BYDAY=2TH;COUNT=6')).toBeNull();
    expect(checkRecurrence('FREQ=WEEKLY')).toMatch(/must end/);
    expect(checkRecurrence('FREQ=MINUTELY;COUNT=3')).toMatch(/at most daily/);
    expect(checkRecurrence('FREQ=DAILY;COUNT=400')).toMatch(/COUNT must be between 1 and 366/);
    expect(checkRecurrence('BYDAY=MO;COUNT=2')).toMatch(/FREQ/);
    expect(checkRecurrence('garbage')).toMatch(/not an RFC 5545 recurrence rule/);
    const start = Date.parse('2026-02-12T16:00:00Z');
    expect(occurrences(start, 'FREQ=MONTHLY;COUNT=3').map((t) => new Date(t).toISOString())).toEqual([
      '2026-02-12T16:00:00.000Z',
      '2026-03-12T16:00:00.000Z',
      '2026-04-12T16:00:00.000Z',
    ]);
    const long = briefingProposalBody.safeParse({
      type: 'call',
      title: 'x',
      agenda: [],
      start: '2026-02-12T16:00Z',
      durationMinutes: 30,
      participants: ['ru-ops'],
      rrule: 'FREQ=DAILY;UNTIL=20300101T000000Z',
    });
    expect(long.success ? null : long.error.issues[0]).toMatchObject({
      path: ['rrule'],
      message: 'gives more than 366 occurrences',
    });
  });
});
