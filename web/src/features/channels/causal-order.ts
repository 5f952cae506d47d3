/**
 * The order of a channel's timeline: every party's chain merged by hybrid logical clock (an
 * entry's `hlc` is later than everything its author had seen), then by party, then by seq, so
 * every reader of the channel sees the same order whichever node served it.
 */
export interface Ordered {
  hlc: string;
  party: string;
  seq: number;
}

/** Compares two entries in causal order (HLC text is fixed-width, so text order is time order). */
export function compareCausal(a: Ordered, b: Ordered): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.party !== b.party) return a.party < b.party ? -1 : 1;
  return a.seq - b.seq;
}

/** Inserts `item` into `sorted` (ascending causal order) and returns the index it took. */
export function insertCausal<T extends Ordered>(sorted: T[], item: T): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareCausal(sorted[mid]!, item) <= 0) low = mid + 1;
    else high = mid;
  }
  sorted.splice(low, 0, item);
  return low;
}
