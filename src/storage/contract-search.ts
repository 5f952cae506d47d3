/**
 * The search part of the storage contract suite (contract/search.ts): appends index in their own
 * transaction, a refused append leaves no index row, entries stored without an indexer are
 * backfilled, every term must occur, hits come only from the channels asked for, each filter
 * narrows, and pages run newest first by cursor.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseCanonical } from '../core/canonical-json.js';
import { TestChain, channelRecord } from './contract-fixtures.js';
import { ChainConflictError, type SearchIndexer, type Storage, type StoredEntry } from './storage.js';

/** Texts of the test entries by `<channel>/<party>/<seq>`; entries not listed have none. */
type Texts = Map<string, string>;

const key = (e: { channel: string; party: string; seq: number }): string =>
  `${e.channel}/${e.party}/${e.seq}`;

/** A stand-in for the node's indexer: lower-cased words as terms, TEST when the text says so. */
function testIndexer(texts: Texts): SearchIndexer {
  return (entry: StoredEntry) => {
    const text = texts.get(key(entry));
    if (text === undefined) return null;
    const content = parseCanonical(entry.canonical) as { hlc: string };
    return {
      text,
      terms: (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' '),
      marking: text.includes('drill') ? 'TEST' : null,
      at: Number(content.hlc.slice(0, 15)),
    };
  };
}

export function describeSearch(current: () => Storage): void {
  let store: Storage;
  let texts: Texts;

  beforeEach(() => {
    store = current();
    texts = new Map();
    store.setSearchIndexer(testIndexer(texts));
  });

  /** Creates channel `id` (party P) and appends entries with the given texts (after its charter). */
  async function channelWith(id: string, said: string[], party = 'P'): Promise<StoredEntry[]> {
    const chain = new TestChain(id, party);
    const charter = chain.next({ kind: 'charter', author: 'node' });
    await store.createChannel(channelRecord(id), [charter], chain.head());
    const entries = said.map((_, i) =>
      chain.next({ kind: i % 2 === 0 ? 'note' : 'clarification', precedence: i === 0 ? 'FLASH' : 'ROUTINE' }),
    );
    entries.forEach((e, i) => texts.set(key(e), said[i]!));
    await store.appendEntries(entries, [chain.head()]);
    return entries;
  }

  const found = async (terms: string[], channels: string[], more = {}): Promise<string[]> =>
    (await store.searchEntries({ terms, channels, limit: 50, ...more })).map((h) => key(h.entry));

  describe('search', () => {
    it('finds appended entries by every term, newest first, with their text, marking and time', async () => {
      const [first, second, third] = await channelWith('c1', [
        'talks on the exercise',
        'exercise notice',
        'talks resumed after the drill',
      ]);
      expect(await found(['talks'], ['c1'])).toEqual([key(third!), key(first!)]);
      expect(await found(['talks', 'exercise'], ['c1'])).toEqual([key(first!)]);
      expect(await found(['nothing'], ['c1'])).toEqual([]);
      const [hit] = await store.searchEntries({ terms: ['drill'], channels: ['c1'], limit: 5 });
      expect(hit).toMatchObject({ text: 'talks resumed after the drill', marking: 'TEST' });
      expect(hit!.entry).toMatchObject({ channel: 'c1', party: 'P', seq: 3, kind: 'note' });
      expect(hit!.at).toBe(1_700_000_000_003);
      expect(typeof hit!.entry.cursor).toBe('number');
      void second;
    });

    it('finds nothing outside the channels asked for, and nothing without a term or channel', async () => {
      await channelWith('c1', ['secret talks']);
      await channelWith('c2', ['open talks']);
      expect(await found(['talks'], ['c2'])).toEqual(['c2/P/1']);
      expect(await found(['secret'], ['c2'])).toEqual([]);
      expect(await found(['talks'], [])).toEqual([]);
      expect(await found([], ['c1', 'c2'])).toEqual([]);
      expect(await found(['talks'], ['c1', 'c2'])).toHaveLength(2);
    });

    it('narrows by party, kind, precedence, marking and time', async () => {
      await channelWith('c1', ['first talks', 'second talks', 'third talks drill']);
      await channelWith('c2', ['other talks'], 'Q');
      const both = ['c1', 'c2'];
      expect(await found(['talks'], both, { parties: ['Q'] })).toEqual(['c2/Q/1']);
      expect(await found(['talks'], both, { kinds: ['clarification'] })).toEqual(['c1/P/2']);
      expect(await found(['talks'], both, { precedences: ['FLASH'] })).toEqual(['c2/Q/1', 'c1/P/1']);
      expect(await found(['talks'], both, { markings: ['TEST'] })).toEqual(['c1/P/3']);
      expect(await found(['talks'], ['c1'], { markings: ['none'] })).toEqual(['c1/P/2', 'c1/P/1']);
      const at = 1_700_000_000_000;
      expect(await found(['talks'], ['c1'], { from: at + 2 })).toEqual(['c1/P/3', 'c1/P/2']);
      expect(await found(['talks'], ['c1'], { to: at + 2 })).toEqual(['c1/P/1']);
      expect(await found(['talks'], ['c1'], { kinds: [] })).toEqual([]);
    });

    it('pages newest first by cursor', async () => {
      await channelWith(
        'c1',
        Array.from({ length: 5 }, (_, i) => `talks round ${i}`),
      );
      const page1 = await store.searchEntries({ terms: ['talks'], channels: ['c1'], limit: 2 });
      expect(page1.map((h) => h.entry.seq)).toEqual([5, 4]);
      const page2 = await store.searchEntries({
        terms: ['talks'],
        channels: ['c1'],
        limit: 2,
        beforeCursor: page1.at(-1)!.entry.cursor,
      });
      expect(page2.map((h) => h.entry.seq)).toEqual([3, 2]);
    });

    it('writes no index row for a refused append', async () => {
      await channelWith('c1', ['talks']);
      const stale = new TestChain('c1', 'P');
      stale.take(1);
      const entry = stale.next();
      texts.set(key(entry), 'forged talks');
      await expect(store.appendEntries([entry], [stale.head()])).rejects.toBeInstanceOf(ChainConflictError);
      expect(await found(['forged'], ['c1'])).toEqual([]);
      expect(await store.backfillSearch(100)).toBe(0);
    });

    it('backfills entries stored without an indexer, once', async () => {
      store.setSearchIndexer(null);
      await channelWith('c1', ['talks before the index', 'more talks']);
      expect(await found(['talks'], ['c1'])).toEqual([]);
      expect(await store.backfillSearch(100)).toBe(0);
      store.setSearchIndexer(testIndexer(texts));
      expect(await store.backfillSearch(2)).toBe(2);
      expect(await store.backfillSearch(100)).toBe(1);
      expect(await store.backfillSearch(100)).toBe(0);
      expect(await found(['talks'], ['c1'])).toEqual(['c1/P/2', 'c1/P/1']);
    });

    it('keeps appending when the indexer throws, leaving the entry unsearchable', async () => {
      store.setSearchIndexer(() => {
        throw new Error('indexer bug');
      });
      await channelWith('c1', ['talks']);
      expect(await store.countEntries()).toBe(2);
      expect(await store.backfillSearch(100)).toBe(0);
    });

    it('matches words in any script as given', async () => {
      await channelWith('c1', ['Договорённость о переговорах', 'Переговоры 2026 года']);
      expect(await found(['переговорах'], ['c1'])).toEqual(['c1/P/1']);
      expect(await found(['2026'], ['c1'])).toEqual(['c1/P/2']);
    });
  });
}
