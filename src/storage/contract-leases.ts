/**
 * The leases part of the storage contract suite (contract/leases.ts), with what several
 * processes of one node rely on in the log: writes fenced by a lease's epoch, natural keys of
 * node-written entries, and the node clock read and advanced inside the append.
 */
import { describe, expect, it } from 'vitest';
import { TestChain, channelRecord } from './contract-fixtures.js';
import type { ChangeFeedOptions } from './contract-feed.js';
import {
  ClockBehindError,
  DuplicateEntryError,
  LeaseLostError,
  type LeaseFence,
  type Storage,
} from './storage.js';

const TTL = 10_000;
const T0 = 1_700_000_000_000;

export function describeLeases(
  current: () => Storage,
  options: Pick<ChangeFeedOptions, 'openSibling'>,
): void {
  async function createChannelWith(id: string, initial = 1): Promise<TestChain> {
    const chain = new TestChain(id, 'P');
    await current().createChannel(
      channelRecord(id),
      chain.take(initial, { kind: 'charter', author: 'node' }),
      chain.head(),
    );
    return chain;
  }

  /** A lease taken by `first` and then, after it expired, by `second`: the first's fence is stale. */
  async function takenOver(name: string): Promise<{ stale: LeaseFence; fresh: LeaseFence }> {
    const store = current();
    const first = (await store.acquireLease(name, 'proc-a', T0, TTL))!;
    const second = (await store.acquireLease(name, 'proc-b', T0 + TTL, TTL))!;
    return {
      stale: { name, holder: 'proc-a', epoch: first.epoch },
      fresh: { name, holder: 'proc-b', epoch: second.epoch },
    };
  }

  describe('leases', () => {
    it('gives a free lease to one holder, renews it for that holder only, and hands it on when it expires', async () => {
      const store = current();
      expect(await store.getLease('outbox:Q')).toBeNull();
      const taken = await store.acquireLease('outbox:Q', 'proc-a', T0, TTL);
      expect(taken).toEqual({
        name: 'outbox:Q',
        holder: 'proc-a',
        epoch: 1,
        acquiredAt: T0,
        expiresAt: T0 + TTL,
      });
      expect(await store.acquireLease('outbox:Q', 'proc-b', T0 + 1, TTL)).toBeNull();
      // Renewal keeps the epoch: the holder did not change.
      const renewed = await store.acquireLease('outbox:Q', 'proc-a', T0 + 3000, TTL);
      expect(renewed).toMatchObject({
        holder: 'proc-a',
        epoch: 1,
        acquiredAt: T0,
        expiresAt: T0 + 3000 + TTL,
      });
      expect(await store.acquireLease('outbox:Q', 'proc-b', T0 + TTL, TTL)).toBeNull();
      const handedOn = await store.acquireLease('outbox:Q', 'proc-b', T0 + 3000 + TTL, TTL);
      expect(handedOn).toMatchObject({ holder: 'proc-b', epoch: 2, acquiredAt: T0 + 3000 + TTL });
      // The former holder cannot renew what it lost.
      expect(await store.acquireLease('outbox:Q', 'proc-a', T0 + 3001 + TTL, TTL)).toBeNull();
      expect(await store.getLease('outbox:Q')).toEqual(handedOn);
      await store.acquireLease('escalation', 'proc-a', T0, TTL);
      expect((await store.listLeases()).map((l) => [l.name, l.holder])).toEqual([
        ['escalation', 'proc-a'],
        ['outbox:Q', 'proc-b'],
      ]);
    });

    it('frees a released lease at once, and a new holder gets a new epoch', async () => {
      const store = current();
      const taken = (await store.acquireLease('witness', 'proc-a', T0, TTL))!;
      expect(await store.releaseLease({ name: 'witness', holder: 'proc-b', epoch: taken.epoch })).toBe(false);
      expect(await store.releaseLease({ name: 'witness', holder: 'proc-a', epoch: taken.epoch + 1 })).toBe(
        false,
      );
      expect(await store.releaseLease({ name: 'witness', holder: 'proc-a', epoch: taken.epoch })).toBe(true);
      expect(await store.getLease('witness')).toMatchObject({ holder: '', epoch: 1 });
      const next = await store.acquireLease('witness', 'proc-b', T0 + 1, TTL);
      expect(next).toMatchObject({ holder: 'proc-b', epoch: 2 });
      const back = await store.acquireLease('witness', 'proc-a', T0 + 2 + TTL, TTL);
      expect(back).toMatchObject({ holder: 'proc-a', epoch: 3 });
    });

    it('lets exactly one of many racing holders take a free lease', async () => {
      const store = current();
      const stores = [store];
      const sibling = options.openSibling ? await options.openSibling() : null;
      if (sibling) stores.push(sibling);
      try {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            stores[i % stores.length]!.acquireLease('links', `proc-${i}`, T0, TTL),
          ),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await store.getLease('links')).toEqual(winners[0]);
      } finally {
        await sibling?.close();
      }
    });

    it('refuses an append fenced by a lease that passed to another holder, writing nothing', async () => {
      const store = current();
      const chain = await createChannelWith('c1');
      const { stale, fresh } = await takenOver('escalation');
      const refused = chain.clone();
      await expect(
        store.appendEntries([refused.next()], [refused.head()], { fences: [stale] }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.countEntries()).toBe(1);
      expect((await store.getChainHead('c1', 'P'))!.size).toBe(1);
      await store.appendEntries([chain.next()], [chain.head()], { fences: [fresh] });
      expect((await store.getChainHead('c1', 'P'))!.size).toBe(2);
    });

    it('refuses stale fenced replication, witness and link-test records, writing nothing', async () => {
      const store = current();
      await createChannelWith('c1');
      await store.putPeer({
        party: 'Q',
        name: 'Party Q',
        url: 'http://127.0.0.1:1',
        nodePublicKey: 'key-q',
        tlsCa: null,
        addedAt: T0,
      });
      const { stale, fresh } = await takenOver('outbox:Q');
      await expect(store.setReplication('Q', 'c1', 5, stale)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.getReplication('Q')).toEqual(new Map());
      await store.setReplication('Q', 'c1', 5, fresh);
      expect(await store.getReplication('Q')).toEqual(new Map([['c1', 5]]));

      await expect(store.recordWitnessed('c1', 'Q', 3, 'aa', T0, stale)).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      expect(await store.recordWitnessed('c1', 'Q', 3, 'bb', T0, fresh)).toBeNull();
      expect(await store.recordWitnessed('c1', 'Q', 3, 'cc', T0, fresh)).toBe('bb');

      const test = { peer: 'Q', at: T0, ok: true, rttMs: 3, error: null };
      await expect(store.recordLinkTest(test, stale)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.listLinkTests('Q', 10)).toEqual([]);
      await store.recordLinkTest(test, fresh);
      expect(await store.listLinkTests('Q', 10)).toEqual([test]);
    });
  });

  describe('natural keys of node-written entries', () => {
    it('stores a natural key once; a second entry with it is refused and nothing of its batch is written', async () => {
      const store = current();
      const chain = await createChannelWith('c1');
      await store.appendEntries(
        [{ ...chain.next(), naturalKey: 'escalation/c1/Q/4/overdue' }],
        [chain.head()],
      );
      const again = chain.clone();
      const batch = [again.next(), { ...again.next(), naturalKey: 'escalation/c1/Q/4/overdue' }];
      const refused = await store.appendEntries(batch, [again.head()]).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DuplicateEntryError);
      expect((refused as DuplicateEntryError).keys).toEqual(['escalation/c1/Q/4/overdue']);
      expect(await store.countEntries()).toBe(2);
      // Entries without a natural key are not affected by one another.
      await store.appendEntries(chain.take(2), [chain.head()]);
      expect(await store.countEntries()).toBe(4);
    });

    it('refuses a batch that repeats a natural key', async () => {
      const store = current();
      const chain = await createChannelWith('c1');
      const twice = [
        { ...chain.next(), naturalKey: 'received/c1/Q/7' },
        { ...chain.next(), naturalKey: 'received/c1/Q/7' },
      ];
      await expect(store.appendEntries(twice, [chain.head()])).rejects.toBeInstanceOf(DuplicateEntryError);
      expect(await store.countEntries()).toBe(1);
    });
  });

  describe('node clock', () => {
    it('advances with every append and refuses own entries dated at or before it', async () => {
      const store = current();
      expect(await store.nodeClock()).toBe('');
      const a = await createChannelWith('A', 3);
      const newest = (await store.readChain('A', 'P', 2, 1))[0]!.hlc;
      expect(await store.nodeClock()).toBe(newest);
      // Channel B's next entry is dated before A's newest: as this node's own, it is refused.
      const b = await createChannelWith('B', 1);
      const behind = b.clone();
      const refused = await store
        .appendEntries([behind.next()], [behind.head()], { checkClock: true })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ClockBehindError);
      expect((refused as ClockBehindError).clock).toBe(newest);
      expect((await store.getChainHead('B', 'P'))!.size).toBe(1);
      // A peer's entries (no clock check) are stored, and move the clock only forward.
      await store.appendEntries([b.next()], [b.head()]);
      expect(await store.nodeClock()).toBe(newest);
      const later = a.next();
      await store.appendEntries([later], [a.head()], { checkClock: true });
      expect(await store.nodeClock()).toBe(later.hlc);
    });
  });
}
