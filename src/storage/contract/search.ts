/**
 * The full-text search part of the storage contract. Storage does not know what an entry says:
 * the node hands it an indexer (workflows/search/index-entry.ts) that turns a stored entry into
 * its readable text and index terms (stems, computed in JS so both engines match alike), and
 * every append then indexes its entries in its own transaction, so an entry is never stored
 * without its index row, even across a crash. Entries stored without an indexer (an import, a
 * tool that opened the database directly, a database from before the search migration) are
 * indexed by `backfillSearch`, which the node runs when it opens.
 *
 * Policy is the caller's, but always in the query: `channels` is required and every hit is of
 * one of them.
 */
import type { CursoredEntry, StoredEntry } from './log.js';

/** What an entry contributes to the search index. */
export interface SearchDocument {
  /** The entry's readable text (subject, text, summary…), as snippets are cut from. */
  text: string;
  /** Index terms of the text, separated by single spaces: letters and digits only, lower case. */
  terms: string;
  /** TEST or EXERCISE, else null. */
  marking: string | null;
  /** When the entry was written: the wall time of its hlc, ms since the epoch. */
  at: number;
}

/** Turns a stored entry into its document, or null when it has nothing a person would search. */
export type SearchIndexer = (entry: StoredEntry) => SearchDocument | null;

/** One search: all terms must occur; every filter given narrows it. */
export interface SearchQuery {
  /** Index terms (as an indexer makes them), all required; an empty list finds nothing. */
  terms: string[];
  /** The channels searched (those the person may read); an empty list finds nothing. */
  channels: string[];
  parties?: string[];
  kinds?: string[];
  precedences?: string[];
  /** `none` for unmarked (real) traffic. */
  markings?: string[];
  /** Written at or after, ms. */
  from?: number;
  /** Written before, ms. */
  to?: number;
  /** Paging: only hits with a smaller cursor (hits come newest first). */
  beforeCursor?: number;
  limit: number;
}

/** One entry found, with its indexed text. */
export interface SearchHit {
  entry: CursoredEntry;
  text: string;
  marking: string | null;
  at: number;
}

export interface SearchStore {
  /** The indexer appends use from now on (null: appends leave their entries to the backfill). */
  setSearchIndexer(indexer: SearchIndexer | null): void;
  /**
   * Indexes up to `limit` stored entries that have no index row yet (oldest first) with the
   * current indexer; resolves to how many it indexed (0: none is left, or no indexer is set).
   */
  backfillSearch(limit: number): Promise<number>;
  /** Hits newest first (by cursor), at most `limit`. */
  searchEntries(query: SearchQuery): Promise<SearchHit[]>;
}
