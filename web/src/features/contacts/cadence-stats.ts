/**
 * Figures for the cadence dashboard, computed in the browser from the channels' entry pages and
 * the peers' link tests: contacts per ISO week per channel, response times by precedence (from an
 * item to the first `understood` receipt of another party), link round trip and uptime. Pure; no
 * DOM here.
 */

import { isContact, isoWeek, median, PRECEDENCE_ORDER, weekStart } from '../../lib/shared.js';

export { isoWeek, median, PRECEDENCE_ORDER, weekStart };

/** The fields of an entry these figures read. */
export interface StatEntry {
  party: string;
  seq: number;
  kind: string;
  author: string;
  hlc: string;
  precedence: string;
  marking?: string | undefined;
  body: Record<string, unknown>;
}

/** The wall-clock time of an entry's HLC (`2026-02-20T08:00:00.000Z/000003`). */
export function wallOf(hlc: string): number {
  return Date.parse(hlc.split('/')[0] ?? hlc);
}

const DAY = 86_400_000;

export interface WeeklyContacts {
  /** Monday of each week, from the first to the last with any contact, none skipped. */
  weeks: number[];
  series: Array<{ channel: string; counts: number[] }>;
}

/**
 * Contact (the node's own rule, `isContact`: real exchanges and held briefings, the latter at the
 * time they were held) counted per ISO week, for each channel; with `now`, the weeks run up to
 * the current one and cover at least `minWeeks`, quiet weeks counted as 0, and nothing after `now`.
 */
export function contactsPerWeek(
  channels: Array<{ channel: string; entries: StatEntry[] }>,
  now?: number,
  minWeeks = 12,
): WeeklyContacts {
  const perChannel = channels.map(({ channel, entries }) => {
    const counts = new Map<number, number>();
    for (const e of entries) {
      if (!isContact(e)) continue;
      const wall = wallOf(e.hlc);
      const held = typeof e.body.heldAt === 'string' ? Date.parse(e.body.heldAt) : NaN;
      const at = Number.isFinite(held) ? Math.min(held, wall) : wall;
      if (!Number.isFinite(at) || (now !== undefined && at > now)) continue;
      const week = weekStart(at);
      counts.set(week, (counts.get(week) ?? 0) + 1);
    }
    return { channel, counts };
  });
  const all = perChannel.flatMap((c) => [...c.counts.keys()]);
  if (all.length === 0)
    return { weeks: [], series: perChannel.map((c) => ({ channel: c.channel, counts: [] })) };
  let first = Math.min(...all);
  let last = Math.max(...all);
  if (now !== undefined) {
    last = Math.max(last, weekStart(now));
    first = Math.min(first, last - (minWeeks - 1) * 7 * DAY);
  }
  const weeks: number[] = [];
  for (let w = first; w <= last; w += 7 * DAY) weeks.push(w);
  return {
    weeks,
    series: perChannel.map((c) => ({ channel: c.channel, counts: weeks.map((w) => c.counts.get(w) ?? 0) })),
  };
}

export interface ResponseTimes {
  precedence: (typeof PRECEDENCE_ORDER)[number];
  /** Items answered (understood by another party). */
  count: number;
  medianMs: number | null;
}

/**
 * For each precedence: the median time from an item (`note` or `notification`) to the first
 * `understood` receipt by a party other than the sender's, over every channel given.
 */
export function responseTimes(channels: StatEntry[][]): ResponseTimes[] {
  const delays = new Map<string, number[]>(PRECEDENCE_ORDER.map((p) => [p, []]));
  for (const entries of channels) {
    const items = new Map<string, StatEntry>();
    for (const e of entries)
      if (e.kind === 'note' || e.kind === 'notification') items.set(`${e.party}/${e.seq}`, e);
    const first = new Map<string, number>();
    for (const e of entries) {
      if (e.kind !== 'receipt' || e.body.level !== 'understood') continue;
      const of = e.body.of as { party?: string; seq?: number } | undefined;
      const key = `${of?.party}/${of?.seq}`;
      const item = items.get(key);
      if (!item || item.party === e.party) continue;
      const at = wallOf(e.hlc);
      const seen = first.get(key);
      if (seen === undefined || at < seen) first.set(key, at);
    }
    for (const [key, at] of first) {
      const item = items.get(key)!;
      delays.get(item.precedence)?.push(Math.max(0, at - wallOf(item.hlc)));
    }
  }
  return PRECEDENCE_ORDER.map((precedence) => {
    const list = delays.get(precedence)!;
    return { precedence, count: list.length, medianMs: median(list) };
  });
}

export interface LinkStats {
  party: string;
  tests: number;
  /** Share of tests that succeeded (0…1), null without tests. */
  uptime: number | null;
  medianRttMs: number | null;
}

export function linkStats(
  party: string,
  tests: Array<{ at: number; ok: boolean; rttMs: number | null }>,
): LinkStats {
  const ok = tests.filter((t) => t.ok);
  return {
    party,
    tests: tests.length,
    uptime: tests.length ? ok.length / tests.length : null,
    medianRttMs: median(ok.flatMap((t) => (t.rttMs === null ? [] : [t.rttMs]))),
  };
}

/** Several peers' link tests on one time axis (seconds), `null` where a peer has no test. */
export function alignRtt(
  peers: Array<{ party: string; tests: Array<{ at: number; ok: boolean; rttMs: number | null }> }>,
): { times: number[]; series: Array<Array<number | null>> } {
  const times = [...new Set(peers.flatMap((p) => p.tests.map((t) => Math.round(t.at / 1000))))].sort(
    (a, b) => a - b,
  );
  const index = new Map(times.map((t, i) => [t, i]));
  const series = peers.map((p) => {
    const values: Array<number | null> = times.map(() => null);
    for (const t of p.tests)
      if (t.ok && t.rttMs !== null) values[index.get(Math.round(t.at / 1000))!] = t.rttMs;
    return values;
  });
  return { times, series };
}
