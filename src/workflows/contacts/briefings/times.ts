/**
 * The dates and times briefings and invitations carry: UTC only, written as ISO 8601, checked
 * as real dates (2026-02-30 is refused). A date without a time, used as a deadline, means "by
 * the end of that day" (UTC).
 */
import { z } from 'zod';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const DAY_MS = 86_400_000;

/** Whether the text names a real day (Date.parse rolls 2026-02-30 over to March). */
function realDay(value: string): boolean {
  const ms = Date.parse(value);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value.slice(0, 10);
}

/** A UTC date and time such as 2026-02-12T16:00Z. */
export const dateTime = z
  .string()
  .regex(DATE_TIME, 'must be a UTC date and time such as 2026-02-12T16:00Z')
  .refine(realDay, 'is not a real date');

/** A UTC date such as 2026-03-15. */
export const date = z
  .string()
  .regex(DATE, 'must be a date such as 2026-03-15')
  .refine(realDay, 'is not a real date');

/** A UTC date, or date and time. */
export const dateOrTime = z
  .string()
  .refine(
    (v) => DATE.test(v) || DATE_TIME.test(v),
    'must be a UTC date or time such as 2026-03-15 or 2026-03-15T12:00Z',
  )
  .refine(realDay, 'is not a real date');

/** The last moment (ms) a deadline allows: a bare date runs to the end of that day. */
export function deadlineOf(value: string): number {
  const ms = Date.parse(value);
  return DATE.test(value) ? ms + DAY_MS : ms;
}

/** The first moment (ms) of a date or time, and the end of a date or time (for windows). */
export function startOf(value: string): number {
  return Date.parse(value);
}

export const iso = (ms: number): string => new Date(ms).toISOString();
