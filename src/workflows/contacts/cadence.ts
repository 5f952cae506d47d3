/**
 * Commitments to a cadence of contact, and whether they were kept: pure, with time as a
 * parameter.
 */

/** ISO 8601 durations of days, weeks or months: P14D, P2W, P1M. */
export const DURATION = /^P(\d{1,3})([DWM])$/;

/** Adds an ISO duration (days, weeks, months) to a time, in UTC. */
export function addDuration(at: number, every: string, times = 1): number {
  const [, count, unit] = DURATION.exec(every)!;
  const n = Number(count) * times;
  if (unit === 'M') {
    const d = new Date(at);
    d.setUTCMonth(d.getUTCMonth() + n);
    return d.getTime();
  }
  return at + n * (unit === 'W' ? 7 : 1) * 86_400_000;
}

export interface CadencePeriod {
  from: number;
  to: number;
  kept: boolean;
  /** Entries that kept it. */
  by: string[];
}

export interface Cadence {
  periods: CadencePeriod[];
  /** The period `now` falls in is still open: kept so far or not. */
  current: CadencePeriod | null;
  lastContact: number | null;
  nextDue: number;
  /** Every closed period kept. */
  kept: boolean;
}

/**
 * Whether a commitment was kept, period by period: a `briefing` commitment by held briefings
 * (minutes with their time), a `contact` commitment by an item from every party in the period.
 * `bound` gives, per party, from when the commitment binds it (ms; 0 from its start); a period
 * asks only for the parties bound when it began.
 */
export function cadence(
  what: 'briefing' | 'contact',
  every: string,
  from: number,
  now: number,
  events: Array<{ at: number; party: string; id: string }>,
  bound: Record<string, number>,
): Cadence {
  const periods: CadencePeriod[] = [];
  for (let i = 0, start = from; start <= now && i < 1000; i++) {
    const end = addDuration(from, every, i + 1);
    const inside = events.filter((e) => e.at >= start && e.at < end);
    const parties = Object.keys(bound).filter((p) => bound[p]! <= start);
    const kept =
      what === 'briefing' ? inside.length > 0 : parties.every((p) => inside.some((e) => e.party === p));
    periods.push({ from: start, to: end, kept, by: inside.map((e) => e.id) });
    start = end;
  }
  const current = periods.length > 0 && periods.at(-1)!.to > now ? periods.at(-1)! : null;
  const closed = current ? periods.slice(0, -1) : periods;
  const last =
    events
      .filter((e) => e.at <= now)
      .sort((a, b) => a.at - b.at)
      .at(-1) ?? null;
  return {
    periods,
    current,
    lastContact: last?.at ?? null,
    nextDue: current ? current.to : addDuration(from, every, periods.length + 1),
    kept: closed.every((p) => p.kept),
  };
}
