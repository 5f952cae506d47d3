/**
 * Which timeline rows are shown, and which are new since the reader last looked (issue 15, "a
 * readable timeline"). Pure: the timeline screen and its unit test share it.
 */
import { PRECEDENCES, type Entry, type Precedence } from '../../lib/api';

/**
 * Node bookkeeping, hidden unless asked for: batch receipts a peer's node stores, key
 * publications, and anything the node itself signs. People write everything else.
 */
const SYSTEM_KINDS = new Set(['received', 'principal-key', 'principal-key-revoke']);

export function isSystemEntry(entry: Pick<Entry, 'kind' | 'author'>): boolean {
  return entry.author === 'node' || SYSTEM_KINDS.has(entry.kind);
}

export interface TimelineFilter {
  showSystem: boolean;
  /** One kind, or '' for all. */
  kind: string;
  /** The least precedence shown, or '' for all. */
  minPrecedence: Precedence | '';
  /** One party's entries, or '' for all. */
  party: string;
  /** Words the entry's subject, text or author must contain (case-insensitive), or ''. */
  words: string;
}

export const NO_FILTER: TimelineFilter = {
  showSystem: false,
  kind: '',
  minPrecedence: '',
  party: '',
  words: '',
};

/** True when the filter narrows anything beyond hiding system entries. */
export function isNarrowed(filter: TimelineFilter): boolean {
  return (
    filter.kind !== '' || filter.minPrecedence !== '' || filter.party !== '' || filter.words.trim() !== ''
  );
}

/** `readable` gives an entry's words; called only when the filter has words (it costs). */
export function matchesFilter(
  entry: Entry,
  filter: TimelineFilter,
  readable: (entry: Entry) => string,
): boolean {
  if (!filter.showSystem && isSystemEntry(entry)) return false;
  if (filter.kind && entry.kind !== filter.kind) return false;
  if (filter.party && entry.party !== filter.party) return false;
  if (
    filter.minPrecedence &&
    PRECEDENCES.indexOf(entry.precedence) < PRECEDENCES.indexOf(filter.minPrecedence)
  )
    return false;
  const words = filter.words.trim().toLocaleLowerCase();
  if (words && !`${readable(entry)} ${entry.author}`.toLocaleLowerCase().includes(words)) return false;
  return true;
}

/**
 * What is new for a reader who had seen the channel up to `lastSeenCursor` (the node's local
 * storage order, which only grows): how many rows are newer, and the index (in display order,
 * newest first) of the first row already seen when every new row is above it, or -1.
 */
export function newSince(
  rows: readonly Entry[],
  lastSeenCursor: number | null,
): { count: number; firstSeenIndex: number } {
  if (lastSeenCursor === null) return { count: 0, firstSeenIndex: -1 };
  const isNew = (entry: Entry): boolean => entry.cursor !== null && entry.cursor > lastSeenCursor;
  let count = 0;
  let firstSeenIndex = -1;
  rows.forEach((entry, index) => {
    if (isNew(entry)) count += 1;
    else if (firstSeenIndex === -1) firstSeenIndex = index;
  });
  if (count === 0 || firstSeenIndex === -1) return { count, firstSeenIndex: -1 };
  return { count, firstSeenIndex };
}
