/**
 * A channel's figures, pure, with time as a parameter: contact per ISO week (the same contact
 * the cadence counts, cadence.ts), and response times by precedence, from an item to the first
 * `understood` of another party, as a median and a 90th percentile (nearest rank).
 */
import type { ContactEvent } from './cadence.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
export const PRECEDENCE_ORDER = ['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH'] as const;

/** Monday 00:00 UTC of the ISO week `at` falls in. */
export function weekStart(at: number): number {
  const day = Math.floor(at / DAY) * DAY;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return day - weekday * DAY;
}

/** `2026-W08`: the ISO 8601 week-numbering year and week of `at`. */
export function isoWeek(at: number): string {
  const thursday = weekStart(at) + 3 * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / WEEK) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * Contacts per ISO week, the `weeks` weeks up to the one `now` falls in (quiet weeks as 0);
 * events after `now` are not counted.
 */
export function contactsPerWeek(
  events: readonly ContactEvent[],
  now: number,
  weeks = 12,
): Array<{ week: string; from: number; contacts: number }> {
  const last = weekStart(now);
  const out = Array.from({ length: weeks }, (_, i) => {
    const from = last - (weeks - 1 - i) * WEEK;
    return { week: isoWeek(from), from, contacts: 0 };
  });
  for (const e of events) {
    if (e.at > now) continue;
    const slot = out.find((w) => e.at >= w.from && e.at < w.from + WEEK);
    if (slot) slot.contacts += 1;
  }
  return out;
}

/** The median of `values`, or null. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `p`-th percentile of `values` by nearest rank (p90: the value 90 % of them do not exceed). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The fields of an entry response times read. */
export interface TimedEntry {
  party: string;
  seq: number;
  kind: string;
  precedence: string;
  /** Milliseconds since the epoch. */
  at: number;
  marking?: string | undefined;
  body: Record<string, unknown>;
}

export interface ResponseTimes {
  precedence: (typeof PRECEDENCE_ORDER)[number];
  /** Items answered (understood by another party). */
  answered: number;
  /** Items sent (notes and notifications). */
  items: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/**
 * For each precedence: the time from an item (`note` or `notification`, not TEST or EXERCISE)
 * to the first `understood` receipt of a party other than the sender's.
 */
export function responseTimes(entries: readonly TimedEntry[]): ResponseTimes[] {
  const items = new Map<string, TimedEntry>();
  for (const e of entries)
    if ((e.kind === 'note' || e.kind === 'notification') && e.marking === undefined)
      items.set(`${e.party}/${e.seq}`, e);
  const first = new Map<string, number>();
  for (const e of entries) {
    if (e.kind !== 'receipt' || e.body.level !== 'understood') continue;
    const of = e.body.of as { party?: string; seq?: number } | undefined;
    const key = `${of?.party}/${of?.seq}`;
    const item = items.get(key);
    if (!item || item.party === e.party) continue;
    const seen = first.get(key);
    if (seen === undefined || e.at < seen) first.set(key, e.at);
  }
  const delays = new Map<string, number[]>(PRECEDENCE_ORDER.map((p) => [p, []]));
  for (const [key, at] of first) {
    const item = items.get(key)!;
    delays.get(item.precedence)?.push(Math.max(0, at - item.at));
  }
  return PRECEDENCE_ORDER.map((precedence) => {
    const list = delays.get(precedence)!;
    return {
      precedence,
      answered: list.length,
      items: [...items.values()].filter((i) => i.precedence === precedence).length,
      medianMs: median(list),
      p90Ms: percentile(list, 90),
    };
  });
}
