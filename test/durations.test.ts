/**
 * The web app's writing of durations (web/src/lib/durations.ts), without a browser: every unit in the
 * interface's language, and numbers written the way that language writes them.
 */
import { describe, expect, it } from 'vitest';
import { formatAmount, formatSpan, timeUnit } from '../web/src/lib/durations.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('formatSpan', () => {
  it('writes days with the unit of the interface language', () => {
    const span = 10 * DAY + 23 * HOUR + 2 * MINUTE + 5_000;
    expect(formatSpan(span, 'en')).toBe('10 d 23:02');
    expect(formatSpan(span, 'ru')).toBe('10 дн. 23:02');
    expect(formatSpan(-span, 'ru')).toBe('10 дн. 23:02');
  });

  it('writes hours and minutes as a clock, with no unit to translate', () => {
    expect(formatSpan(HOUR + 2 * MINUTE + 9_000, 'ru')).toBe('1:02:09');
    expect(formatSpan(4 * MINUTE + 7_000, 'en')).toBe('4:07');
  });
});

describe('timeUnit and formatAmount', () => {
  it('has every unit in both languages, none left in English in Russian', () => {
    for (const unit of ['day', 'hour', 'minute', 'second', 'millisecond'] as const) {
      expect(timeUnit(unit, 'ru')).toMatch(/^[а-яё.]+$/);
      expect(timeUnit(unit, 'en')).toMatch(/^[a-z]+$/);
    }
    expect(timeUnit('minute', 'ru')).toBe('мин');
    expect(timeUnit('hour', 'ru')).toBe('ч');
  });

  it('writes a decimal amount with the decimal sign of the language', () => {
    expect(formatAmount(1.54, 'second', 'en')).toBe('1.5 s');
    expect(formatAmount(1.54, 'second', 'ru')).toBe('1,5 с');
    expect(formatAmount(1234.5, 'millisecond', 'ru')).toBe('1234,5 мс');
  });
});
