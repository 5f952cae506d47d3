/**
 * Commitments to a cadence of contact, and whether they were kept: pure, with time as a
 * parameter. What counts as contact is named here once (`isContact`), for the node's cadence,
 * its channel metrics and the web's charts alike.
 */

/** ISO 8601 durations of days, weeks, months or years: P14D, P2W, P1M, P1Y. */
export const DURATION = /^P(\d{1,4})([DWMY])$/;

const DAY = 86_400_000;

/**
 * Why `every` is not a period between one day and one year (P1D … P366D, P52W, P12M, P1Y), or
 * null: `P0D` would make a thousand empty "missed" periods, `PT1H` is shorter than a working day
 * and `P999M` would never come round.
 */
export function periodProblem(every: string): string | null {
  const match = DURATION.exec(every);
  if (!match) return 'must be a period of days, weeks, months or a year, such as P14D, P2W, P1M or P1Y';
  const [, count, unit] = match;
  const n = Number(count);
  const max = { D: 366, W: 52, M: 12, Y: 1 }[unit as 'D' | 'W' | 'M' | 'Y'];
  if (n < 1) return `${every} is shorter than a day: a period runs from one day (P1D) to one year (P1Y)`;
  if (n > max) return `${every} is longer than a year: a period runs from one day (P1D) to one year (P1Y)`;
  return null;
}

/** Adds an ISO duration (days, weeks, months, years) to a time, in UTC. */
export function addDuration(at: number, every: string, times = 1): number {
  const [, count, unit] = DURATION.exec(every)!;
  const n = Number(count) * times;
  if (unit === 'M' || unit === 'Y') {
    const d = new Date(at);
    d.setUTCMonth(d.getUTCMonth() + n * (unit === 'Y' ? 12 : 1));
    return d.getTime();
  }
  return at + n * (unit === 'W' ? 7 : 1) * DAY;
}

/**
 * The start of the period `at` falls in (`from` when `at` is before it): a party that accepts a
 * commitment is asked to keep the period it accepted in, and every one after.
 */
export function periodStart(from: number, every: string, at: number): number {
  if (at <= from) return from;
  let start = from;
  for (let i = 1; i <= 1000; i++) {
    const end = addDuration(from, every, i);
    if (end > at) return start;
    start = end;
  }
  return start;
}

/**
 * The kinds that are contact: an exchange between people (a note, a notification, a question on
 * a passage and its answer) or a briefing held (its minutes). Never the node's own entries
 * (receipts of delivery, key publications, link tests, escalations), a person's receipt, a
 * charter change, a translation or a proposal that nobody has taken up yet.
 */
export const CONTACT_KINDS = [
  'note',
  'notification',
  'clarification-request',
  'clarification',
  'briefing-record',
  'briefing-minutes',
] as const;

/** Minutes: kinds whose contact is the briefing held (at `heldAt`), for every party at it. */
export const HELD_KINDS: readonly string[] = ['briefing-record', 'briefing-minutes'];

/** Whether an entry is real contact: a contact kind, signed by a person, not TEST or EXERCISE. */
export function isContact(entry: { kind: string; author: string; marking?: string | undefined }): boolean {
  return (
    (CONTACT_KINDS as readonly string[]).includes(entry.kind) &&
    entry.author !== 'node' &&
    entry.marking === undefined
  );
}

export interface ContactEvent {
  at: number;
  /** The party that spoke; `*` for a briefing held, which is contact of every party. */
  party: string;
  id: string;
}

export interface CadencePeriod {
  from: number;
  to: number;
  kept: boolean;
  /** Entries that kept it. */
  by: string[];
  /** The parties asked to keep it (bound when it began) that did not: empty when kept. */
  missing: string[];
}

export interface Cadence {
  periods: CadencePeriod[];
  /** The period `now` falls in is still open: kept so far or not. */
  current: CadencePeriod | null;
  /** Periods that have closed. */
  closed: number;
  lastContact: number | null;
  nextDue: number;
  /** Every closed period kept; null while none has closed (nothing kept or missed yet). */
  kept: boolean | null;
}

/**
 * Whether a commitment was kept, period by period: a `briefing` commitment by a held briefing
 * in the period, a `contact` commitment by contact from every bound party in it. `bound` gives,
 * per party, from when the commitment binds it (ms); a period asks only for the parties bound
 * when it began, and periods before it binds anyone are not listed. Only what happened inside a
 * period, and by `now`, keeps it: an entry dated after `now` keeps nothing.
 */
export function cadence(
  what: 'briefing' | 'contact',
  every: string,
  from: number,
  now: number,
  events: readonly ContactEvent[],
  bound: Record<string, number>,
): Cadence {
  const past = events.filter((e) => e.at <= now);
  const periods: CadencePeriod[] = [];
  let count = 0;
  for (let i = 0, start = from; start <= now && i < 1000; i++) {
    const end = addDuration(from, every, i + 1);
    count = i + 1;
    const inside = past.filter((e) => e.at >= start && e.at < end);
    const parties = Object.keys(bound).filter((p) => bound[p]! <= start);
    // Before it binds anyone, a period is neither kept nor missed: it is not listed.
    if (parties.length === 0 && periods.length === 0) {
      start = end;
      continue;
    }
    const spoke = (p: string) => inside.some((e) => e.party === p || e.party === '*');
    const missing =
      what === 'briefing'
        ? inside.some((e) => e.party === '*')
          ? []
          : parties
        : parties.filter((p) => !spoke(p));
    const kept = what === 'briefing' ? inside.some((e) => e.party === '*') : missing.length === 0;
    periods.push({ from: start, to: end, kept, by: inside.map((e) => e.id), missing });
    start = end;
  }
  const current = periods.length > 0 && periods.at(-1)!.to > now ? periods.at(-1)! : null;
  const closed = current ? periods.slice(0, -1) : periods;
  const last = [...past].sort((a, b) => a.at - b.at).at(-1) ?? null;
  return {
    periods,
    current,
    closed: closed.length,
    lastContact: last?.at ?? null,
    nextDue: current ? current.to : addDuration(from, every, count + 1),
    kept: closed.length === 0 ? null : closed.every((p) => p.kept),
  };
}
