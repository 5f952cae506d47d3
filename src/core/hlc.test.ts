import { describe, expect, it } from 'vitest';
import { HybridLogicalClock, formatHlc, parseHlc } from './hlc.js';

describe('HybridLogicalClock', () => {
  it('follows physical time and orders events within one millisecond', () => {
    let now = Date.parse('2026-02-20T08:00:00.000Z');
    const clock = new HybridLogicalClock(() => now);
    const a = clock.now();
    const b = clock.now();
    now += 5;
    const c = clock.now();
    expect(a).toBe('2026-02-20T08:00:00.000Z/000000');
    expect(b).toBe('2026-02-20T08:00:00.000Z/000001');
    expect(c).toBe('2026-02-20T08:00:00.005Z/000000');
  });

  it('never goes backwards when the wall clock does, and moves past observed timestamps', () => {
    let now = Date.parse('2026-02-20T08:00:00.000Z');
    const clock = new HybridLogicalClock(() => now);
    const first = clock.now();
    now -= 60_000;
    const second = clock.now();
    expect(second > first).toBe(true);
    clock.observe('2026-02-20T09:00:00.000Z/000007');
    expect(clock.now()).toBe('2026-02-20T09:00:00.000Z/000008');
  });

  it('parses only the written form', () => {
    expect(parseHlc(formatHlc({ wall: 0, counter: 3 }))).toEqual({ wall: 0, counter: 3 });
    expect(parseHlc('2026-02-30T08:00:00.000Z/000000')).toBeNull();
    expect(parseHlc('yesterday')).toBeNull();
  });
});
