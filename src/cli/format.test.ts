import { describe, expect, it } from 'vitest';
import { everyWords, plainTime } from './format.js';

describe('plainTime', () => {
  it('shows an entry clock stamp and an ISO time to the second, in UTC, for people', () => {
    expect(plainTime('2026-12-01T21:09:49.657Z/000003')).toBe('2026-12-01 21:09:49 UTC');
    expect(plainTime('2026-11-14T09:00:00.000Z')).toBe('2026-11-14 09:00:00 UTC');
  });

  it('leaves anything else as it is', () => {
    expect(plainTime('2026-02-14')).toBe('2026-02-14');
    expect(plainTime('soon')).toBe('soon');
  });
});

describe('everyWords', () => {
  it('says a period of a day to a year as people say it', () => {
    expect(everyWords('P1M')).toBe('every month');
    expect(everyWords('P14D')).toBe('every 14 days');
    expect(everyWords('P2W')).toBe('every 2 weeks');
    expect(everyWords('P1Y')).toBe('every year');
    expect(everyWords('PT5M')).toBe('every PT5M');
  });
});
