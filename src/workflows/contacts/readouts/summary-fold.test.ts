/**
 * The joint summary fold: a point is agreed only when every party signed its newest version;
 * what was written concurrently (a signature of a version revised meanwhile, a second revision of
 * one version, a second signature) is listed as refused with the reason, never counted.
 */
import { describe, expect, it } from 'vitest';
import type { LoggedEntry } from '../../../core/kinds.js';
import { loggedEntryMaker, refTo } from '../../../core/test-support/logged-entries.js';
import { foldSummaries } from './summary-fold.js';
import { summaryPointMaker } from './test-support/summary-entries.js';

const entry = loggedEntryMaker({ start: '2026-02-12T17:00Z', role: 'head' });
const readout = entry('RU', 'readout', { text: 'We agreed to meet in March.' }, 0);
const point = summaryPointMaker(entry, readout);
const sign = (party: string, of: LoggedEntry, minute: number) =>
  entry(party, 'summary-sign', { of: refTo(of) }, minute);

describe('the joint summary fold', () => {
  it('agrees a point signed by every party on its newest version, and refuses nothing', () => {
    const first = point('RU', 1, 'Meet in March.');
    const revised = point('US', 2, 'Meet in March, in Geneva.', first);
    const signed = sign('RU', revised, 3);
    const { summaries, refused } = foldSummaries('c', [first, revised], [signed], ['RU', 'US']);
    expect(refused).toEqual([]);
    expect(summaries[0]!.points[0]).toMatchObject({
      id: revised.id,
      state: 'agreed',
      versions: [first.id],
      waitingFor: [],
    });
    expect(summaries[0]!.agreed).toBe(true);
  });

  it('lists a signature of a revised version, a concurrent revision, a proposer’s and a second signature', () => {
    const first = point('RU', 1, 'Meet in March.');
    const stale = sign('US', first, 2);
    const revisedByUs = point('US', 3, 'Meet in March, in Geneva.', first);
    const revisedByRu = point('RU', 4, 'Meet in March, in Vienna.', first);
    const byProposer = sign('RU', revisedByRu, 5);
    const once = sign('US', revisedByRu, 6);
    const twice = sign('US', revisedByRu, 7);
    const { summaries, refused } = foldSummaries(
      'c',
      [first, revisedByUs, revisedByRu],
      [stale, byProposer, once, twice],
      ['RU', 'US'],
    );
    expect(summaries[0]!.points[0]).toMatchObject({ id: revisedByRu.id, state: 'agreed' });
    expect(refused.map((r) => [r.id, r.kind])).toEqual([
      [revisedByUs.id, 'summary-point'],
      [stale.id, 'summary-sign'],
      [byProposer.id, 'summary-sign'],
      [twice.id, 'summary-sign'],
    ]);
    expect(refused.map((r) => r.reason)).toEqual([
      expect.stringContaining(`${revisedByRu.id} stands`),
      expect.stringContaining('was revised'),
      expect.stringContaining('proposing it was its signature'),
      expect.stringContaining('already signed'),
    ]);
  });

  it('keeps a point open while a party has not signed, and refuses a signature naming no point', () => {
    const only = point('RU', 1, 'Meet in March.');
    const astray = { ...only, id: 'c/RU/99', seq: 99 };
    const lost = sign('US', astray, 2);
    const { summaries, refused } = foldSummaries('c', [only], [lost], ['RU', 'US']);
    expect(summaries[0]!.points[0]).toMatchObject({ state: 'open', waitingFor: ['US'] });
    expect(refused).toEqual([
      expect.objectContaining({ id: lost.id, reason: expect.stringContaining('is not a summary-point') }),
    ]);
  });
});
