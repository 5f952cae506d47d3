/**
 * Briefing entries for unit tests of the folds that read them (the briefing fold, the audit of
 * entries without effect): a call proposed for 12 February 16:00 and its minutes. Not part of the
 * build (tsconfig.build.json leaves out test-support folders).
 */
import type { LoggedEntry } from '../../../../core/kinds.js';
import { refTo, type MakeEntry } from '../../../../core/test-support/logged-entries.js';

/** A 30-minute call proposed by RU to both operations offices, at `minute`, with `extra` fields. */
export function proposedCall(
  entry: MakeEntry,
  minute: number,
  extra: Record<string, unknown> = {},
): LoggedEntry {
  return entry(
    'RU',
    'briefing-proposal',
    {
      type: 'call',
      title: 'Call',
      agenda: [],
      start: '2026-02-12T16:00Z',
      durationMinutes: 30,
      participants: ['ru-ops', 'us-ops'],
      ...extra,
    },
    minute,
  );
}

/** `party`'s minutes of the call `of`, held as proposed, written at `minute`. */
export function callMinutes(
  entry: MakeEntry,
  of: LoggedEntry,
  party: string,
  minute: number,
  extra: Record<string, unknown> = {},
): LoggedEntry {
  return entry(
    party,
    'briefing-record',
    {
      of: refTo(of),
      heldAt: '2026-02-12T16:00Z',
      durationMinutes: 30,
      minutes: `${party} minutes`,
      attended: [],
      noShows: [],
      ...extra,
    },
    minute,
  );
}
