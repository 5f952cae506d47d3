/**
 * The change feed part of the storage contract: committed entries of all channels in commit
 * order, read by a node-wide cursor, plus a wake-up after each commit. Live consumers (SSE,
 * replication, schedulers) keep their own cursor and read from storage, so they see the same
 * thing whichever process committed the entries.
 *
 * Channel records are not feed items: a channel is created together with its first entries
 * (a charter, or the first entry of a received chain), and its state and charter are folds of
 * entries that the node writes back right after appending them. A consumer that shows channel
 * records re-reads them when a hint names the channel (`CommitHint.channels`), which every
 * record change also sends.
 */
import type { CursoredEntry } from './log.js';

/** One page of the change feed. */
export interface ChangeBatch {
  /** Committed entries with cursor > afterCursor, ascending by cursor (= commit order). */
  entries: CursoredEntry[];
  /** What to pass as `afterCursor` next: the last entry's cursor, or `afterCursor` when empty. */
  cursor: number;
  /** True when `limit` cut the page: more entries are committed already, read again at once. */
  hasMore: boolean;
}

/**
 * A wake-up after a commit. Only a hint: it may be late, merged with others, repeated, or (after
 * a lost connection) say nothing specific; consumers then read the feed from their cursor.
 */
export interface CommitHint {
  /** The highest cursor the commit assigned; null when it wrote no entries or is unknown. */
  cursor: number | null;
  /** Channels whose entries or record changed; null when unknown (re-read everything relevant). */
  channels: string[] | null;
}

export type CommitListener = (hint: CommitHint) => void;

export interface ChangeFeed {
  /**
   * Entries of every channel committed after `afterCursor` (0 for the start), in commit order,
   * at most `limit`. An entry committed later always gets a larger cursor than any entry already
   * readable, so a consumer that advances its cursor never skips one.
   */
  changes(afterCursor: number, limit: number): Promise<ChangeBatch>;
  /** The cursor of the newest committed entry, 0 when none: where "only new entries" starts. */
  latestCursor(): Promise<number>;
  /**
   * Calls `listener` after every commit that wrote entries or changed a channel record; never
   * before the commit is durable and readable. SQLite: commits of this storage instance.
   * PostgreSQL: commits of any process on the node's schema (LISTEN/NOTIFY), and a hint with
   * nulls whenever the notification connection is (re)established. Returns the unsubscribe
   * function. A listener that throws is ignored.
   */
  onCommitted(listener: CommitListener): () => void;
}
