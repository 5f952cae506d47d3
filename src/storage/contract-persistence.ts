/**
 * The persistence part of the storage contract suite: what a store holds survives closing it and
 * opening one over the same data, and its chains and cursors continue where they left off.
 */
import { describe, expect, it } from 'vitest';
import { TRAIL_EVENT, channelRecord, createChannelOn, principalRecord } from './contract-fixtures.js';
import type { Storage } from './storage.js';

/**
 * `current` is the store of the running test; the test closes it, opens another with `reopen`
 * and hands that to `replace`, so the suite closes the new one afterwards.
 */
export function describePersistence(
  current: () => Storage,
  replace: (store: Storage) => void,
  reopen: (() => Promise<Storage>) | undefined,
): void {
  describe.skipIf(!reopen)('persistence', () => {
    it('keeps everything across close and reopen', async () => {
      let store = current();
      await store.setNodeInfo({ party: 'P', partyName: 'Party P', nodePublicKey: 'k', createdAt: 1 });
      await store.addOffice({ id: 'ops', name: 'Operations' });
      await store.addPrincipal(principalRecord('alice', { office: 'ops' }));
      const chain = await createChannelOn(store, 'c1', 1);
      await store.appendEntries(chain.take(3), [chain.head()]);
      await store.createSession({
        tokenHash: 'h',
        principal: 'alice',
        csrfToken: 'c',
        createdAt: 1,
        expiresAt: 2,
        lastSeenAt: 1,
      });
      await store.createApiToken({
        tokenHash: 't',
        principal: 'alice',
        label: 'l',
        createdAt: 1,
        expiresAt: null,
      });
      await store.appendSecurityEvent(() => ({
        event: { ...TRAIL_EVENT, seq: 1 },
        head: { seq: 1, hash: TRAIL_EVENT.hash, nodeKey: 'k', sig: 's' },
      }));
      const before = await store.readChannel('c1', 0, 100);
      await store.close();

      store = await reopen!();
      replace(store);
      expect(await store.getNodeInfo()).toMatchObject({ party: 'P' });
      expect(await store.getOffice('ops')).not.toBeNull();
      expect(await store.getPrincipal('alice')).toEqual(principalRecord('alice', { office: 'ops' }));
      expect(await store.getChannel('c1')).toEqual(channelRecord('c1'));
      expect(await store.getChainHead('c1', 'P')).toEqual(chain.head());
      expect(await store.readChannel('c1', 0, 100)).toEqual(before);
      expect(await store.getSession('h')).not.toBeNull();
      expect(await store.getApiToken('t')).not.toBeNull();
      expect(await store.readSecurityTrail(0, 10)).toHaveLength(1);
      expect(await store.getSecurityTrailHead()).toMatchObject({ seq: 1 });

      // The chain continues where it left off, and cursors keep increasing.
      await store.appendEntries([chain.next()], [chain.head()]);
      const after = await store.readChannel('c1', before.at(-1)!.cursor, 100);
      expect(after.map((e) => e.seq)).toEqual([4]);
    });
  });
}
