/**
 * Recurring briefings: an RFC 5545 recurrence rule (section 3.3.10, the value of RRULE without
 * the `RRULE:` prefix, e.g. `FREQ=MONTHLY;BYDAY=2TH;COUNT=6`) expanded from the briefing's start
 * with the `rrule` package. Pure. Bounds: the rule must end (COUNT or UNTIL), repeat at most
 * daily, and give between 1 and MAX_OCCURRENCES occurrences, so a hostile rule cannot make a
 * node expand millions of dates; `checkRecurrence` says why a rule is refused.
 */
import rrule from 'rrule';

const { RRule } = rrule;

/** The most occurrences one recurring briefing may have (a daily call for a year). */
export const MAX_OCCURRENCES = 366;

/** Frequencies finer than a day (HOURLY, MINUTELY, SECONDLY) are refused. */
const FINEST = RRule.DAILY;

/** Why a recurrence rule is refused, or null when it is valid and bounded. */
export function checkRecurrence(rule: string): string | null {
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(rule);
  } catch (error) {
    return `is not an RFC 5545 recurrence rule (${(error as Error).message})`;
  }
  if (options.freq === undefined) return 'must give FREQ (DAILY, WEEKLY, MONTHLY or YEARLY)';
  if (options.freq > FINEST) return 'must repeat at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)';
  if (options.dtstart) return "must not give DTSTART: the briefing's start is the first occurrence";
  if (options.count == null && !options.until) return 'must end: give COUNT or UNTIL';
  if (options.count != null && (options.count < 1 || options.count > MAX_OCCURRENCES))
    return `COUNT must be between 1 and ${MAX_OCCURRENCES}`;
  return null;
}

/**
 * The occurrences' start times (ms) of a rule from `start`; a briefing without a rule has one.
 * Throws on a rule `checkRecurrence` refuses; an UNTIL rule is cut at MAX_OCCURRENCES + 1 so
 * the caller can tell it is too long.
 */
export function occurrences(start: number, rule: string | undefined): number[] {
  if (rule === undefined) return [start];
  const refused = checkRecurrence(rule);
  if (refused) throw new Error(`rrule ${refused}`);
  const expanded = new RRule({ ...RRule.parseString(rule), dtstart: new Date(start) });
  return expanded.all((_, i) => i <= MAX_OCCURRENCES).map((d) => d.getTime());
}
