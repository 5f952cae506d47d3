/**
 * How both backends write an append, apart from their dialect: every check of a batch in one
 * order (so both refuse the same batch with the same error), what a failed insert of entries
 * means, and which channels the commit names. The rules themselves are in ../chain-check.ts.
 *
 * A backend reads what the checks need under its own write locks, then calls checkAppend before
 * its first write. SQLite reads lazily inside better-sqlite3's synchronous transaction;
 * PostgreSQL reads first, taking its row locks in its one fixed order (postgres-storage.ts).
 */
import {
  checkChainWrite,
  naturalKeysOf,
  nextNodeClock,
  seqAlreadyStored,
  type ChainLookup,
} from '../chain-check.js';
import {
  DuplicateEntryError,
  LeaseLostError,
  type AppendOptions,
  type ChainHead,
  type CommitHint,
  type LeaseFence,
  type StoredEntry,
} from '../storage.js';
import { commitHint } from './commit-hints.js';

/** What the checks of an append read, while the backend holds its write locks. */
export interface AppendReads extends ChainLookup {
  /** Whether a lease still has the fence's holder and epoch. */
  fenceHolds(fence: LeaseFence): boolean;
  /** The node clock as stored ('' before the first entry). */
  storedClock(): string;
  /** Which of these natural keys stored entries already have. */
  takenNaturalKeys(keys: string[]): string[];
}

/** Throws LeaseLostError unless every fence still holds. */
export function refuseLostFences(fences: readonly LeaseFence[], holds: (fence: LeaseFence) => boolean): void {
  const lost = fences.find((fence) => !holds(fence));
  if (lost) throw new LeaseLostError(lost.name, lost.epoch);
}

/**
 * Every check of an append, before its first write: the chains (chain-check.ts), the fences, the
 * node clock and the natural keys, in that order. Returns the time the node clock moves to, null
 * when it stays.
 */
export function checkAppend(
  entries: StoredEntry[],
  heads: ChainHead[],
  options: AppendOptions,
  reads: AppendReads,
): string | null {
  checkChainWrite(entries, heads, reads);
  refuseLostFences(options.fences ?? [], (fence) => reads.fenceHolds(fence));
  const clock = nextNodeClock(entries, reads.storedClock(), options.checkClock ?? false);
  const keys = naturalKeysOf(entries);
  if (keys.length > 0) {
    const taken = reads.takenNaturalKeys(keys);
    if (taken.length > 0) throw new DuplicateEntryError(taken);
  }
  return clock;
}

/** How a dialect tells the unique violations of an entry insert apart. */
export interface EntryViolations {
  isUniqueViolation(error: unknown): boolean;
  /** A natural key already stored (another process won the race for it). */
  isNaturalKeyViolation(error: unknown): boolean;
}

/** What a failed insert of `entries` means for the caller: the error to throw. */
export function entryInsertError(
  error: unknown,
  entries: StoredEntry[],
  violations: EntryViolations,
): unknown {
  if (violations.isNaturalKeyViolation(error)) return new DuplicateEntryError(naturalKeysOf(entries));
  if (violations.isUniqueViolation(error)) return seqAlreadyStored(entries);
  return error;
}

/** The wake-up of an append's commit: its last cursor and every channel it wrote to. */
export function appendCommitHint(
  cursor: number | null,
  entries: StoredEntry[],
  heads: ChainHead[],
): CommitHint {
  return commitHint(cursor, [...entries.map((e) => e.channel), ...heads.map((h) => h.channel)]);
}
