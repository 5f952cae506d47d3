/**
 * The change-feed part of the storage contract suite (contract/changes.ts): node-wide cursors in
 * commit order, paging, and the wake-up after commit, including (where the backend can) a wake-up
 * of another storage instance on the same data.
 */
import { describe, expect, it } from 'vitest';
import { TestChain, channelRecord, withoutCursor } from './contract-fixtures.js';
import type { CommitHint, Storage, StoredEntry } from './storage.js';

/** What the feed tests need from the backend under test. */
export interface ChangeFeedOptions {
  /** Resolves once a store's wake-up source is live (PostgreSQL: LISTEN in effect). */
  whenListening?: (store: Storage) => Promise<void>;
  /**
   * Opens a second store over the current store's data, as another process would; enables the
   * test that an append through one wakes the other. The suite closes it.
   */
  openSibling?: () => Promise<Storage>;
}

/** Polls until `condition` holds; fails after a few seconds. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A hint about entries (not the "re-read everything" hint a (re)connection sends). */
function aboutEntries(hint: CommitHint): boolean {
  return hint.cursor !== null;
}

export function describeChangeFeed(current: () => Storage, options: ChangeFeedOptions = {}): void {
  async function createChannelWith(id: string, initial = 1): Promise<TestChain> {
    const chain = new TestChain(id, 'P');
    const entries = chain.take(initial, { kind: 'charter', author: 'node' });
    await current().createChannel(channelRecord(id), entries, chain.head());
    return chain;
  }

  /** Subscribes and waits until the subscription is live. */
  async function subscribe(store: Storage): Promise<{ hints: CommitHint[]; stop: () => void }> {
    const hints: CommitHint[] = [];
    const stop = store.onCommitted((hint) => hints.push(hint));
    await options.whenListening?.(store);
    return { hints, stop };
  }

  describe('change feed', () => {
    it('returns the entries of all channels in commit order, by a node-wide cursor', async () => {
      const store = current();
      expect(await store.latestCursor()).toBe(0);
      expect(await store.changes(0, 10)).toEqual({ entries: [], cursor: 0, hasMore: false });

      const a = await createChannelWith('A', 2);
      const b = await createChannelWith('B', 1);
      const committed: StoredEntry[] = [];
      committed.push(
        ...(await store.readChain('A', 'P', 0, 10)),
        ...(await store.readChain('B', 'P', 0, 10)),
      );
      async function append(entries: StoredEntry[], ...chains: TestChain[]): Promise<void> {
        await store.appendEntries(
          entries,
          chains.map((c) => c.head()),
        );
        committed.push(...entries);
      }
      const q = new TestChain('A', 'Q');
      await append([a.next()], a);
      await append(b.take(2), b);
      await append([q.next()], q);
      await append([a.next()], a);
      // One transaction over two channels.
      await append([a.next(), b.next()], a, b);

      const all = await store.changes(0, 100);
      expect(all.hasMore).toBe(false);
      expect(all.entries.map(withoutCursor)).toEqual(committed);
      const cursors = all.entries.map((e) => e.cursor);
      for (let i = 1; i < cursors.length; i += 1) expect(cursors[i]).toBeGreaterThan(cursors[i - 1]!);
      expect(all.cursor).toBe(cursors.at(-1));
      expect(await store.latestCursor()).toBe(cursors.at(-1));

      // The same cursors as per-channel reads: one cursor space.
      const channelA = await store.readChannel('A', 0, 100);
      expect(channelA.map((e) => e.cursor)).toEqual(
        all.entries.filter((e) => e.channel === 'A').map((e) => e.cursor),
      );

      // Paging by limit, resuming from the returned cursor, misses and repeats nothing.
      const paged: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.changes(after, 3);
        expect(page.entries.length).toBeLessThanOrEqual(3);
        paged.push(...page.entries.map((e) => e.cursor));
        after = page.cursor;
        if (!page.hasMore) break;
        expect(page.entries).toHaveLength(3);
      }
      expect(paged).toEqual(cursors);
      expect(await store.changes(after, 3)).toEqual({ entries: [], cursor: after, hasMore: false });
      const exact = await store.changes(cursors.at(-4)!, 3);
      expect(exact.entries.map((e) => e.cursor)).toEqual(cursors.slice(-3));
      expect(exact.hasMore).toBe(false);
      expect((await store.changes(0, 0)).entries).toEqual([]);
      expect((await store.changes(cursors[2]!, 2)).entries.map((e) => e.cursor)).toEqual(cursors.slice(3, 5));
    });

    it('wakes listeners after a commit, never before, and not for a rejected append', async () => {
      const store = current();
      const chain = await createChannelWith('A');
      const before = await store.latestCursor();
      const { hints, stop } = await subscribe(store);
      const readsAtWakeUp: Array<Promise<number[]>> = [];
      const stopReading = store.onCommitted((hint) => {
        if (aboutEntries(hint)) {
          readsAtWakeUp.push(store.changes(before, 100).then((b) => b.entries.map((e) => e.cursor)));
        }
      });

      const next = chain.next();
      await store.appendEntries([next], [chain.head()]);
      await eventually(() => hints.some(aboutEntries), 'a wake-up');
      const cursor = await store.latestCursor();
      expect(hints.filter(aboutEntries)).toEqual([{ cursor, channels: ['A'] }]);
      // What a woken consumer reads at once already holds the entry: the hint follows the commit.
      await eventually(() => readsAtWakeUp.length === 1, 'the read at wake-up');
      expect(await readsAtWakeUp[0]).toEqual([cursor]);

      // A rejected append commits nothing and wakes no one.
      const stale = chain.clone();
      stale.size -= 1;
      stale.hash = JSON.parse(next.canonical).prev as string;
      await expect(store.appendEntries([stale.next()], [stale.head()])).rejects.toThrow();
      // A change to a channel's record wakes too, naming the channel.
      await store.setChannelState('A', 'suspended');
      await eventually(
        () => hints.some((h) => h.channels?.includes('A') && h.cursor === null),
        'a record hint',
      );
      expect(hints.filter(aboutEntries)).toHaveLength(1);

      stop();
      stopReading();
      await store.appendEntries([chain.next()], [chain.head()]);
      await store.setChannelState('A', 'active');
      expect(hints.filter(aboutEntries)).toHaveLength(1);
    });

    it.skipIf(!options.openSibling)(
      'wakes another instance on the same data, which reads the entry through the feed',
      async () => {
        const store = current();
        const chain = await createChannelWith('A');
        const sibling = await options.openSibling!();
        try {
          const after = await sibling.latestCursor();
          const { hints, stop } = await subscribe(sibling);
          const next = chain.next();
          await store.appendEntries([next], [chain.head()]);
          const cursor = await store.latestCursor();
          await eventually(() => hints.some((h) => h.cursor === cursor), 'the wake-up of the other instance');
          expect(hints.find((h) => h.cursor === cursor)).toEqual({ cursor, channels: ['A'] });
          const batch = await sibling.changes(after, 10);
          expect(batch.entries.map(withoutCursor)).toEqual([next]);
          expect(batch.cursor).toBe(cursor);

          await store.setChannelState('A', 'closed');
          await eventually(
            () => hints.some((h) => h.cursor === null && h.channels?.[0] === 'A'),
            'a record hint',
          );
          expect((await sibling.getChannel('A'))?.state).toBe('closed');
          stop();
        } finally {
          await sibling.close();
        }
      },
    );
  });
}
