/**
 * The chain rules every backend enforces inside its write transaction before appending, shared so
 * that SQLite and PostgreSQL refuse exactly the same batches with exactly the same errors.
 */
import {
  ChainConflictError,
  ClockBehindError,
  DuplicateEntryError,
  type ChainHead,
  type StoredEntry,
} from './storage.js';

/** What a backend reports about one stored chain (read under its write lock). */
export interface StoredTip {
  size: number;
  hash: string | null;
}

/** Reads the store while the write lock is held. */
export interface ChainLookup {
  /** The stored head of a chain, or null when the chain has no head row yet. */
  head(channel: string, party: string): StoredTip | null;
  channelExists(channel: string): boolean;
}

/** Chain key for maps; NUL cannot occur in ids. */
export function chainKey(channel: string, party: string): string {
  return `${channel}\u0000${party}`;
}

/** The `prev` field of canonical entry text, or undefined when it has none. */
export function prevOf(canonical: string): string | null | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(canonical);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('prev' in parsed)) return undefined;
  const prev = parsed.prev;
  return typeof prev === 'string' || prev === null ? prev : undefined;
}

/**
 * Checks a batch of entries plus the heads that describe their chains afterwards against the
 * stored heads; throws ChainConflictError (or an Error for an unknown channel) on the first
 * problem. Must run inside the backend's write transaction, before its first write.
 *
 * Checked per chain: seqs continue the stored head with no gap (the unique key backs this up),
 * the first new entry's `prev` equals the stored head hash, and the supplied head describes the
 * chain after the append. Links inside the batch (`prev` of the 2nd..nth entry) are the
 * caller's responsibility: parsing every canonical text cost about 20% of a 2000-entry append
 * (~3.5 µs per entry), while the first link is what a stale or racing writer would get wrong.
 */
export function checkChainWrite(entries: StoredEntry[], heads: ChainHead[], lookup: ChainLookup): void {
  const chains = new Map<string, StoredEntry[]>();
  for (const entry of entries) {
    const key = chainKey(entry.channel, entry.party);
    const list = chains.get(key);
    if (list) list.push(entry);
    else chains.set(key, [entry]);
  }
  const headsByKey = new Map<string, ChainHead>();
  for (const head of heads) {
    const key = chainKey(head.channel, head.party);
    if (headsByKey.has(key)) {
      throw new ChainConflictError(head.channel, head.party, head.size, 'head supplied twice');
    }
    headsByKey.set(key, head);
  }

  for (const [key, head] of headsByKey) {
    const stored = lookup.head(head.channel, head.party);
    if (!stored && !lookup.channelExists(head.channel)) {
      throw new Error(`unknown channel '${head.channel}'`);
    }
    let size = stored?.size ?? 0;
    let hash = stored?.hash ?? null;
    const list = chains.get(key) ?? [];
    const first = list[0];
    if (first) {
      const prev = first.seq === size ? prevOf(first.canonical) : hash;
      if (prev !== hash) {
        const detail = `prev ${String(prev)} does not match chain hash ${String(hash)}`;
        throw new ChainConflictError(first.channel, first.party, first.seq, detail);
      }
    }
    for (const entry of list) {
      if (entry.seq !== size) {
        const detail =
          entry.seq < size ? `seq already taken (chain has ${size})` : `gap (chain has ${size} entries)`;
        throw new ChainConflictError(entry.channel, entry.party, entry.seq, detail);
      }
      size += 1;
      hash = entry.hash;
    }
    if (head.size !== size || head.hash !== hash) {
      throw new ChainConflictError(
        head.channel,
        head.party,
        head.size,
        `head (size ${head.size}) does not describe the chain after the append (size ${size})`,
      );
    }
  }
  for (const [key, list] of chains) {
    if (!headsByKey.has(key)) {
      const first = list[0]!;
      throw new ChainConflictError(first.channel, first.party, first.seq, 'no head supplied for chain');
    }
  }
}

/**
 * The error for an insert the unique (channel, party, seq) key refused after the checks passed:
 * only reachable if heads and entries disagree (e.g. tampered data), and still a conflict.
 */
export function seqAlreadyStored(entries: StoredEntry[]): ChainConflictError {
  const first = entries[0]!;
  return new ChainConflictError(first.channel, first.party, first.seq, 'seq already stored');
}

/**
 * The node-clock rule of an append (contract/log.ts AppendOptions): with `checkClock`, every
 * entry must be dated after `stored`; throws ClockBehindError otherwise. Returns the clock after
 * the append (the newest timestamp of the batch, if it is newer), or null when it does not move.
 */
export function nextNodeClock(entries: StoredEntry[], stored: string, checkClock: boolean): string | null {
  let newest = stored;
  for (const entry of entries) {
    if (checkClock && entry.hlc <= stored) throw new ClockBehindError(stored);
    if (entry.hlc > newest) newest = entry.hlc;
  }
  return newest === stored ? null : newest;
}

/** The natural keys of a batch; throws DuplicateEntryError when one is repeated in it. */
export function naturalKeysOf(entries: StoredEntry[]): string[] {
  const keys = new Set<string>();
  for (const entry of entries) {
    const key = entry.naturalKey;
    if (key === undefined || key === null) continue;
    if (keys.has(key)) throw new DuplicateEntryError([key]);
    keys.add(key);
  }
  return [...keys];
}
