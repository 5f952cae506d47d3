/**
 * What the SQLite and PostgreSQL backends share: every query whose SQL is the same in both
 * dialects, with `?` placeholders (the PostgreSQL backend numbers them), the row mapping
 * (rows.ts) and the commit wake-ups. A backend supplies only its dialect: how a statement runs,
 * what a unique violation looks like, how booleans are bound, its transactions (channel creation
 * and appends) and the few queries that need engine-specific SQL.
 *
 * This file holds the log (channels, chains, the change feed, search) and what a backend must
 * implement; the other parts of the contract come from the classes it extends (sql-queries.ts
 * lists them).
 */
import { CommitListeners } from './commit-hints.js';
import {
  ENTRY_COLUMNS,
  charterValues,
  toChannel,
  toCursored,
  toEntry,
  toHead,
  type ChannelRow,
  type EntryRow,
  type HeadRow,
} from '../rows.js';
import type {
  AppendOptions,
  BackupResult,
  ChainHead,
  ChangeBatch,
  Channel,
  ChannelCharter,
  ChannelState,
  CommitHint,
  CommitListener,
  CursoredEntry,
  NodeSnapshot,
  SearchHit,
  SearchIndexer,
  SearchQuery,
  Storage,
  StoredEntry,
  TableCopy,
} from '../storage.js';
import { SqlFederationStorage } from './federation-storage.js';
import { SEARCH_SQL, documentOf, searchStatement, toSearchHit, type SearchRow } from './search-statements.js';
import { Q, SQL, refPartyPattern, type SqlDialect, type AwaitingReceiptQuery } from './statements.js';
import type { NodeMover } from './table-copy.js';

export { SQL, refPartyPattern, type SqlDialect, type AwaitingReceiptQuery } from './statements.js';

/** One entry with its cursor and search document, as an index write takes it. */
export interface IndexedEntry {
  entry: StoredEntry;
  cursor: number;
  doc: ReturnType<typeof documentOf>;
}

/** The shared part of both SQL backends. */
export abstract class SqlStorage extends SqlFederationStorage implements Storage {
  abstract readonly engine: string;
  abstract readonly migrationsApplied: readonly number[];
  /** Listeners of the change feed's wake-up; backends emit after their commits. */
  protected readonly commitListeners = new CommitListeners();
  readonly #latestByRefParty: string;
  /** Turns appended entries into search documents (contract/search.ts); null: backfill later. */
  protected searchIndexer: SearchIndexer | null = null;

  protected constructor(dialect: SqlDialect) {
    super(dialect);
    this.#latestByRefParty = `SELECT ${ENTRY_COLUMNS} FROM entries ${dialect.kindIndexHint}
      WHERE channel = ? AND party = ? AND kind = ? AND ref LIKE ? ESCAPE '\\'
      ORDER BY cursor DESC LIMIT 1`;
  }

  /** Runs an update of one channel's record and wakes the change feed's listeners. */
  protected abstract writeChannelRecord(id: string, sql: string, values: unknown[]): Promise<void>;

  abstract close(): Promise<void>;
  abstract backupTo(path: string): Promise<BackupResult>;
  /** How the backend moves a node (contract/backup.ts): copiedTables, readSnapshot, importTables. */
  protected abstract readonly mover: NodeMover;
  abstract createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void>;
  /**
   * Writes a non-empty append in one transaction (checks: chain-write.ts) and resolves, once it
   * has committed, to the wake-up of its commit.
   */
  protected abstract writeAppend(
    entries: StoredEntry[],
    heads: ChainHead[],
    options: AppendOptions,
  ): Promise<CommitHint>;
  /**
   * Writes index rows in one transaction, skipping entries that already have one (another
   * process's backfill may have written them meanwhile).
   */
  protected abstract writeSearchDocs(indexed: IndexedEntry[]): Promise<void>;
  /** listAwaitingReceipt's query (its list binding differs by dialect); arguments are non-empty. */
  protected abstract queryAwaitingReceipt(query: AwaitingReceiptQuery): Promise<EntryRow[]>;

  // Moving a node (contract/backup.ts).

  copiedTables(): Promise<TableCopy[]> {
    return this.mover.copiedTables();
  }

  readSnapshot<T>(work: (snapshot: NodeSnapshot) => Promise<T>): Promise<T> {
    return this.mover.readSnapshot(work);
  }

  importTables(...args: Parameters<NodeMover['importTables']>): Promise<number> {
    return this.mover.importTables(...args);
  }

  // Channels and chains.

  async appendEntries(
    entries: StoredEntry[],
    heads: ChainHead[],
    options: AppendOptions = {},
  ): Promise<void> {
    if (entries.length === 0 && heads.length === 0) return;
    this.commitListeners.emit(await this.writeAppend(entries, heads, options));
  }

  async getChannel(id: string): Promise<Channel | null> {
    const row = await this.one<ChannelRow>(Q.getChannel, [id]);
    return row ? toChannel(row) : null;
  }

  async listChannels(): Promise<Channel[]> {
    return (await this.rows<ChannelRow>(Q.listChannels)).map(toChannel);
  }

  async setChannelState(id: string, state: ChannelState): Promise<void> {
    await this.writeChannelRecord(id, SQL.setChannelState, [state, id]);
  }

  async setChannelCharter(id: string, charter: ChannelCharter): Promise<void> {
    await this.writeChannelRecord(id, SQL.setChannelCharter, [...charterValues(charter), id]);
  }

  // Chains.

  async getChainHead(channel: string, party: string): Promise<ChainHead | null> {
    const row = await this.one<HeadRow>(SQL.getHead, [channel, party]);
    return row ? toHead(row) : null;
  }

  async listChainHeads(channel: string): Promise<ChainHead[]> {
    return (await this.rows<HeadRow>(Q.listHeads, [channel])).map(toHead);
  }

  async getEntry(channel: string, party: string, seq: number): Promise<StoredEntry | null> {
    const row = await this.one<EntryRow>(Q.getEntry, [channel, party, seq]);
    return row ? toEntry(row) : null;
  }

  async readChain(channel: string, party: string, fromSeq: number, limit: number): Promise<StoredEntry[]> {
    if (limit <= 0) return [];
    return (await this.rows<EntryRow>(Q.readChain, [channel, party, fromSeq, limit])).map(toEntry);
  }

  async readChannel(channel: string, afterCursor: number, limit: number): Promise<CursoredEntry[]> {
    if (limit <= 0) return [];
    return (await this.rows<EntryRow>(Q.readChannel, [channel, afterCursor, limit])).map(toCursored);
  }

  async listAwaitingReceipt(
    principal: string,
    channels: string[],
    kinds: string[],
    limit: number,
  ): Promise<CursoredEntry[]> {
    if (channels.length === 0 || kinds.length === 0 || limit <= 0) return [];
    return (await this.queryAwaitingReceipt({ principal, channels, kinds, limit })).map(toCursored);
  }

  async countEntries(): Promise<number> {
    return (await this.one<{ n: number }>(Q.countEntries))?.n ?? 0;
  }

  async listByKind(channel: string, kind: string, limit: number): Promise<StoredEntry[]> {
    if (limit <= 0) return [];
    return (await this.rows<EntryRow>(Q.listByKind, [channel, kind, limit])).map(toEntry);
  }

  async listByRef(channel: string, kind: string, ref: string): Promise<StoredEntry[]> {
    return (await this.rows<EntryRow>(Q.listByRef, [channel, kind, ref])).map(toEntry);
  }

  async latestByRefParty(
    channel: string,
    party: string,
    kind: string,
    refParty: string,
  ): Promise<StoredEntry | null> {
    const values = [channel, party, kind, refPartyPattern(refParty)];
    const row = await this.one<EntryRow>(this.#latestByRefParty, values);
    return row ? toEntry(row) : null;
  }

  // Change feed (contract/changes.ts). Cursors are commit-ordered node-wide: SQLite has one
  // writer at a time, and PostgreSQL appends hold the feed lock until commit (postgres-storage.ts).

  async changes(afterCursor: number, limit: number): Promise<ChangeBatch> {
    if (limit <= 0) return { entries: [], cursor: afterCursor, hasMore: false };
    // One row more than asked tells whether the page was cut.
    const rows = await this.rows<EntryRow>(Q.changes, [afterCursor, limit + 1]);
    const entries = rows.slice(0, limit).map(toCursored);
    return { entries, cursor: entries.at(-1)?.cursor ?? afterCursor, hasMore: rows.length > limit };
  }

  // Search (contract/search.ts).

  setSearchIndexer(indexer: SearchIndexer | null): void {
    this.searchIndexer = indexer;
  }

  async backfillSearch(limit: number): Promise<number> {
    if (!this.searchIndexer || limit <= 0) return 0;
    const rows = await this.rows<EntryRow>(SEARCH_SQL.pending, [limit]);
    if (rows.length === 0) return 0;
    const indexer = this.searchIndexer;
    await this.writeSearchDocs(
      rows.map((row) => {
        const entry = toCursored(row);
        return { entry, cursor: entry.cursor, doc: documentOf(indexer, entry) };
      }),
    );
    return rows.length;
  }

  async searchEntries(query: SearchQuery): Promise<SearchHit[]> {
    const statement = searchStatement(this.dialect.search, query);
    if (!statement) return [];
    return (await this.rows<SearchRow>(statement.sql, statement.values)).map(toSearchHit);
  }

  async latestCursor(): Promise<number> {
    return (await this.one<{ n: number }>(Q.latestCursor))?.n ?? 0;
  }

  onCommitted(listener: CommitListener): () => void {
    return this.commitListeners.add(listener);
  }

  async nodeClock(): Promise<string> {
    return (await this.one<{ hlc: string }>(SQL.getClock))?.hlc ?? '';
  }
}
