/**
 * Joint-summary entries for unit tests of the folds that read them (the summary fold, the audit
 * of entries without effect). Not part of the build (tsconfig.build.json leaves out test-support).
 */
import type { LoggedEntry } from '../../../../core/kinds.js';
import { refTo, type MakeEntry } from '../../../../core/test-support/logged-entries.js';

/**
 * Makes versions of point `p1` of summary `call`, agreed, resting on a passage of `readout`: by
 * `party` at `minute` with `text`, revising `revises` when given.
 */
export function summaryPointMaker(entry: MakeEntry, readout: LoggedEntry) {
  return (party: string, minute: number, text: string, revises?: LoggedEntry): LoggedEntry =>
    entry(
      party,
      'summary-point',
      {
        summary: 'call',
        point: 'p1',
        status: 'agreed',
        text,
        rests: [{ readout: refTo(readout), quote: 'meet in March' }],
        ...(revises ? { revises: refTo(revises) } : {}),
      },
      minute,
    );
}
