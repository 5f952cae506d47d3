/**
 * The log part of the storage contract suite (contract/log.ts): creating channels with their
 * first entries atomically, appends that keep every chain unforked and write all or nothing,
 * reading by seq and by cursor, and the entries a principal has not receipted yet.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../core/hash.js';
import { TestChain, channelRecord, createChannelOn, makeEntry, withoutCursor } from './contract-fixtures.js';
import { AlreadyExistsError, ChainConflictError, type Storage, type StoredEntry } from './storage.js';

export function describeLog(current: () => Storage): void {
  let store: Storage;

  beforeEach(() => {
    store = current();
  });

  /** Creates a channel whose local chain (party P) starts with `initial` entries. */
  const createChannelWith = (id: string, initial = 1): Promise<TestChain> =>
    createChannelOn(store, id, initial);

  describe('channels', () => {
    it('creates a channel with its first entries and head atomically', async () => {
      const chain = new TestChain('c1', 'P');
      const entries = chain.take(2, { kind: 'charter', author: 'node' });
      const channel = channelRecord('c1', { state: 'suspended', languages: ['de'] });
      await store.createChannel(channel, entries, chain.head());
      expect(await store.getChannel('c1')).toEqual(channel);
      expect(await store.getChannel('c2')).toBeNull();
      expect(await store.getChainHead('c1', 'P')).toEqual(chain.head());
      expect(await store.readChain('c1', 'P', 0, 10)).toEqual(entries);
      expect(await store.countEntries()).toBe(2);
    });

    it('lists channels by id', async () => {
      await createChannelWith('b');
      await createChannelWith('a');
      expect((await store.listChannels()).map((c) => c.id)).toEqual(['a', 'b']);
    });

    it('rejects a duplicate id and writes none of its entries', async () => {
      await createChannelWith('c1', 2);
      const other = new TestChain('c1', 'Q');
      const attempt = store.createChannel(
        channelRecord('c1', { name: 'again' }),
        other.take(1),
        other.head(),
      );
      await expect(attempt).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(attempt).rejects.toMatchObject({ what: 'channel', id: 'c1' });
      expect((await store.getChannel('c1'))?.name).toBe('Channel c1');
      expect(await store.getChainHead('c1', 'Q')).toBeNull();
      expect(await store.countEntries()).toBe(2);
    });

    it('writes nothing when the initial entries do not form a chain', async () => {
      const chain = new TestChain('c1', 'P');
      const [first] = chain.take(1);
      const gap = makeEntry('c1', 'P', 2, first!.hash);
      const attempt = store.createChannel(channelRecord('c1'), [first!, gap], {
        ...chain.head(),
        size: 3,
        hash: gap.hash,
      });
      await expect(attempt).rejects.toBeInstanceOf(ChainConflictError);
      expect(await store.getChannel('c1')).toBeNull();
      expect(await store.getChainHead('c1', 'P')).toBeNull();
      expect(await store.countEntries()).toBe(0);
    });

    it('accepts a channel with no entries yet', async () => {
      const chain = new TestChain('c1', 'P');
      await store.createChannel(channelRecord('c1'), [], chain.head());
      expect(await store.getChainHead('c1', 'P')).toEqual(chain.head());
      expect(await store.countEntries()).toBe(0);
    });
  });

  describe('appendEntries', () => {
    it('extends a chain, replaces its head and round-trips every entry field', async () => {
      const chain = await createChannelWith('c1', 1);
      const batch = [
        chain.next({ precedence: 'FLASH', author: 'bob' }),
        chain.next({ kind: 'receipt', ref: 'P/1', author: 'alice' }),
      ];
      await store.appendEntries(batch, [chain.head()]);
      expect(await store.getChainHead('c1', 'P')).toEqual(chain.head());
      expect(await store.getEntry('c1', 'P', 1)).toEqual(batch[0]);
      expect(await store.getEntry('c1', 'P', 2)).toEqual(batch[1]);
      expect(await store.getEntry('c1', 'P', 3)).toBeNull();
      expect(await store.getEntry('c1', 'Q', 0)).toBeNull();
      expect(await store.countEntries()).toBe(3);
    });

    it('rejects a seq that is already taken', async () => {
      const chain = await createChannelWith('c1', 3);
      const stale = new TestChain('c1', 'P');
      stale.take(2);
      const attempt = store.appendEntries([stale.next()], [stale.head()]);
      await expect(attempt).rejects.toBeInstanceOf(ChainConflictError);
      await expect(attempt).rejects.toMatchObject({ channel: 'c1', party: 'P', seq: 2 });
      expect(await store.getChainHead('c1', 'P')).toEqual(chain.head());
      expect(await store.countEntries()).toBe(3);
    });

    it('rejects a gap after the stored head and a gap inside the batch', async () => {
      const chain = await createChannelWith('c1', 1);
      const ahead = chain.clone();
      ahead.next();
      const skipping = ahead.next();
      await expect(store.appendEntries([skipping], [ahead.head()])).rejects.toBeInstanceOf(
        ChainConflictError,
      );

      const inner = chain.clone();
      const first = inner.next();
      inner.next();
      const third = inner.next();
      await expect(store.appendEntries([first, third], [inner.head()])).rejects.toBeInstanceOf(
        ChainConflictError,
      );
      expect(await store.getChainHead('c1', 'P')).toEqual(chain.head());
      expect(await store.countEntries()).toBe(1);
    });

    it('rejects an entry whose prev does not match the chain', async () => {
      const chain = await createChannelWith('c1', 1);
      const forked = makeEntry('c1', 'P', 1, sha256Hex('some other entry'));
      const head = { ...chain.head(), size: 2, hash: forked.hash };
      await expect(store.appendEntries([forked], [head])).rejects.toBeInstanceOf(ChainConflictError);
      expect(await store.getEntry('c1', 'P', 1)).toBeNull();

      // A new chain must start with prev = null.
      const orphan = makeEntry('c1', 'Q', 0, chain.hash);
      const orphanHead = { ...new TestChain('c1', 'Q').head(), size: 1, hash: orphan.hash };
      await expect(store.appendEntries([orphan], [orphanHead])).rejects.toBeInstanceOf(ChainConflictError);
      expect(await store.getChainHead('c1', 'Q')).toBeNull();
    });

    it('writes nothing (neither entries nor head) when the third entry of a batch conflicts', async () => {
      const chain = await createChannelWith('c1', 2);
      const before = chain.head();
      const attempt = chain.clone();
      const good1 = attempt.next();
      const good2 = attempt.next();
      const bad = makeEntry('c1', 'P', 4, sha256Hex('wrong'));
      const result = store.appendEntries([good1, good2, bad], [{ ...attempt.head(), size: 5 }]);
      await expect(result).rejects.toBeInstanceOf(ChainConflictError);
      expect(await store.getChainHead('c1', 'P')).toEqual(before);
      expect(await store.getEntry('c1', 'P', 2)).toBeNull();
      expect(await store.getEntry('c1', 'P', 3)).toBeNull();
      expect(await store.readChannel('c1', 0, 100)).toHaveLength(2);
      expect(await store.countEntries()).toBe(2);
    });

    it('writes nothing for any chain when one chain of a multi-chain batch conflicts', async () => {
      const p = await createChannelWith('c1', 1);
      const q = new TestChain('c1', 'Q');
      const pNext = p.clone();
      const goodP = pNext.next();
      const badQ = makeEntry('c1', 'Q', 1, null);
      const result = store.appendEntries([goodP, badQ], [pNext.head(), { ...q.head(), size: 2 }]);
      await expect(result).rejects.toBeInstanceOf(ChainConflictError);
      expect(await store.getChainHead('c1', 'P')).toEqual(p.head());
      expect(await store.getChainHead('c1', 'Q')).toBeNull();
      expect(await store.countEntries()).toBe(1);
    });

    it('stores two chains of one channel interleaved, in storage order', async () => {
      const p = await createChannelWith('c1', 1);
      const q = new TestChain('c1', 'Q');
      const batch1 = [q.next({ author: 'bob' }), p.next(), q.next({ author: 'bob' })];
      await store.appendEntries(batch1, [p.head(), q.head()]);
      const batch2 = [p.next(), q.next({ author: 'bob' })];
      await store.appendEntries(batch2, [q.head(), p.head()]);

      const all = await store.readChannel('c1', 0, 100);
      expect(all.map((e) => `${e.party}${e.seq}`)).toEqual(['P0', 'Q0', 'P1', 'Q1', 'P2', 'Q2']);
      expect(await store.readChain('c1', 'Q', 0, 10)).toEqual([batch1[0], batch1[2], batch2[1]]);
      const heads = await store.listChainHeads('c1');
      expect(heads).toEqual([p.head(), q.head()]);
      expect(await store.listChainHeads('nope')).toEqual([]);
    });
  });

  describe('reading', () => {
    it('pages through one chain by seq', async () => {
      const chain = await createChannelWith('c1', 1);
      const rest = chain.take(9);
      await store.appendEntries(rest, [chain.head()]);
      const page1 = await store.readChain('c1', 'P', 0, 4);
      const page2 = await store.readChain('c1', 'P', 4, 4);
      const page3 = await store.readChain('c1', 'P', 8, 4);
      expect(page1.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
      expect(page2.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
      expect(page3.map((e) => e.seq)).toEqual([8, 9]);
      expect(page2).toEqual(rest.slice(3, 7));
      expect(await store.readChain('c1', 'P', 10, 4)).toEqual([]);
      expect(await store.readChain('c1', 'Q', 0, 4)).toEqual([]);
    });

    it('pages through a channel by cursor, excluding other channels', async () => {
      const a = await createChannelWith('a', 1);
      const b = await createChannelWith('b', 1);
      for (let round = 0; round < 3; round += 1) {
        await store.appendEntries(a.take(2), [a.head()]);
        await store.appendEntries(b.take(1), [b.head()]);
      }
      const pages: number[][] = [];
      let after = 0;
      const seen: StoredEntry[] = [];
      for (;;) {
        const page = await store.readChannel('a', after, 3);
        if (page.length === 0) break;
        pages.push(page.map((e) => e.seq));
        seen.push(...page.map(withoutCursor));
        for (const entry of page) {
          expect(entry.cursor).toBeGreaterThan(after);
          after = entry.cursor;
        }
      }
      expect(pages).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
      expect(seen).toEqual(await store.readChain('a', 'P', 0, 100));
      expect(seen.every((e) => e.channel === 'a')).toBe(true);
      const bEntries = await store.readChannel('b', 0, 100);
      expect(bEntries).toHaveLength(4);
      // Cursors are unique across the whole store.
      const aCursors = new Set((await store.readChannel('a', 0, 100)).map((e) => e.cursor));
      expect(bEntries.some((e) => aCursors.has(e.cursor))).toBe(false);
    });

    it('counts entries across channels', async () => {
      expect(await store.countEntries()).toBe(0);
      const a = await createChannelWith('a', 2);
      await createChannelWith('b', 3);
      await store.appendEntries(a.take(4), [a.head()]);
      expect(await store.countEntries()).toBe(9);
    });
  });

  describe('listAwaitingReceipt', () => {
    it('lists entries of the given kinds and channels that the principal has not receipted', async () => {
      const p = await createChannelWith('c1', 1); // P0: charter by node
      const q = new TestChain('c1', 'Q');
      const m1 = p.next({ author: 'bob' }); // P1
      const own = p.next({ author: 'alice' }); // P2
      const m3 = q.next({ author: 'bob' }); // Q0
      const notice = q.next({ kind: 'notice', author: 'bob' }); // Q1
      const m5 = p.next({ author: 'carol', precedence: 'IMMEDIATE' }); // P3
      await store.appendEntries([m1, own, m3, notice, m5], [p.head(), q.head()]);

      const other = await createChannelWith('c2', 1);
      const m6 = other.next({ author: 'bob' });
      await store.appendEntries([m6], [other.head()]);

      const ids = async (channels: string[], kinds: string[], limit = 100): Promise<string[]> =>
        (await store.listAwaitingReceipt('alice', channels, kinds, limit)).map(
          (e) => `${e.channel}/${e.party}/${e.seq}`,
        );

      expect(await ids(['c1'], ['message'])).toEqual(['c1/P/1', 'c1/Q/0', 'c1/P/3']);
      expect(await ids(['c1'], ['message', 'notice'])).toEqual(['c1/P/1', 'c1/Q/0', 'c1/Q/1', 'c1/P/3']);
      expect(await ids(['c1', 'c2'], ['message'])).toEqual(['c1/P/1', 'c1/Q/0', 'c1/P/3', 'c2/P/1']);
      expect(await ids(['c1'], ['message'], 2)).toEqual(['c1/P/1', 'c1/Q/0']);
      expect(await ids([], ['message'])).toEqual([]);
      expect(await ids(['c1'], [])).toEqual([]);

      // Receipts by others do not count; a receipt by alice in another channel does not either.
      const byCarol = p.next({ kind: 'receipt', author: 'carol', ref: 'P/1' });
      await store.appendEntries([byCarol], [p.head()]);
      const elsewhere = other.next({ kind: 'receipt', author: 'alice', ref: 'Q/0' });
      await store.appendEntries([elsewhere], [other.head()]);
      expect(await ids(['c1'], ['message'])).toEqual(['c1/P/1', 'c1/Q/0', 'c1/P/3']);

      // A receipt by alice removes exactly the entry it names.
      const byAlice = q.next({ kind: 'receipt', author: 'alice', ref: 'Q/0' });
      await store.appendEntries([byAlice], [q.head()]);
      expect(await ids(['c1'], ['message'])).toEqual(['c1/P/1', 'c1/P/3']);

      // For bob, his own entries are excluded and alice's is included.
      const forBob = await store.listAwaitingReceipt('bob', ['c1'], ['message'], 100);
      expect(forBob.map((e) => `${e.party}/${e.seq}`)).toEqual(['P/2', 'P/3']);
      expect(withoutCursor(forBob[1]!)).toEqual(m5);
      expect(forBob[0]!.cursor).toBeLessThan(forBob[1]!.cursor);
    });
  });
}
