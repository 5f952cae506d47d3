import { describe, expect, it } from 'vitest';
import { plainTime } from './format.js';

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
