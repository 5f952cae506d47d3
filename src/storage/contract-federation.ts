/**
 * The federation part of the storage contract suite (contract/peers.ts, contract/log.ts): peers,
 * node key rotations, replication watermarks that never move back, witnessed roots, cosignatures,
 * equivocation and fork evidence, link tests, and channel state and charter changes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EQUIVOCATION_EVIDENCE, PEER_Q, createChannelOn } from './contract-fixtures.js';
import type { Storage } from './storage.js';

export function describeFederation(current: () => Storage): void {
  let store: Storage;

  beforeEach(() => {
    store = current();
  });

  describe('federation state', () => {
    const peer = PEER_Q;

    it('puts, replaces and lists peers', async () => {
      expect(await store.getPeer('Q')).toBeNull();
      await store.putPeer(peer);
      await store.putPeer({ ...peer, url: 'http://127.0.0.1:2' });
      expect(await store.getPeer('Q')).toEqual({ ...peer, url: 'http://127.0.0.1:2' });
      expect(await store.listPeers()).toHaveLength(1);
    });

    it('records node key rotations once each, listed by party then time', async () => {
      const rotation = {
        party: 'Q',
        previousKey: 'k1',
        newKey: 'k2',
        at: 10,
        previousSignature: 's1',
        newSignature: 's2',
      };
      expect(await store.listNodeKeyRotations()).toEqual([]);
      await store.putNodeKeyRotation({ ...rotation, previousKey: 'k2', newKey: 'k3', at: 20 });
      await store.putNodeKeyRotation(rotation);
      await store.putNodeKeyRotation({ ...rotation, newKey: 'forged' });
      await store.putNodeKeyRotation({ ...rotation, party: 'P', at: 30 });
      expect(await store.listNodeKeyRotations()).toEqual([
        { ...rotation, party: 'P', at: 30 },
        rotation,
        { ...rotation, previousKey: 'k2', newKey: 'k3', at: 20 },
      ]);
    });

    it('keeps replication watermarks per peer and channel, never moving them back', async () => {
      await createChannelOn(store, 'c1');
      await createChannelOn(store, 'c2');
      await store.putPeer(peer);
      await store.setReplication('Q', 'c1', 5);
      await store.setReplication('Q', 'c1', 3);
      await store.setReplication('Q', 'c2', 1);
      expect(await store.getReplication('Q')).toEqual(
        new Map([
          ['c1', 5],
          ['c2', 1],
        ]),
      );
      expect(await store.getReplication('R')).toEqual(new Map());
    });

    it('never records two witnessed roots for one size', async () => {
      expect(await store.recordWitnessed('c1', 'Q', 5, 'aa', 1)).toBeNull();
      expect(await store.recordWitnessed('c1', 'Q', 5, 'aa', 2)).toBeNull();
      expect(await store.recordWitnessed('c1', 'Q', 5, 'bb', 3)).toBe('aa');
      expect(await store.recordWitnessed('c1', 'Q', 6, 'bb', 3)).toBeNull();
    });

    it('keeps the newest cosignature per witness, equivocation evidence and link tests', async () => {
      await store.putCosignature('c1', 'P', 3, 'Q', 'note-3', 1);
      await store.putCosignature('c1', 'P', 7, 'Q', 'note-7', 2);
      await store.putCosignature('c1', 'P', 5, 'R', 'note-5', 3);
      expect(await store.latestCosignatures('c1', 'P')).toEqual([
        { witness: 'Q', size: 7, note: 'note-7' },
        { witness: 'R', size: 5, note: 'note-5' },
      ]);
      const evidence = EQUIVOCATION_EVIDENCE;
      await store.recordEquivocation(evidence);
      expect(await store.listEquivocations()).toEqual([evidence]);
      await store.recordLinkTest({ peer: 'Q', at: 1, ok: true, rttMs: 2.5, error: null });
      await store.recordLinkTest({ peer: 'Q', at: 2, ok: false, rttMs: null, error: 'unreachable' });
      expect(await store.listLinkTests('Q', 10)).toEqual([
        { peer: 'Q', at: 2, ok: false, rttMs: null, error: 'unreachable' },
        { peer: 'Q', at: 1, ok: true, rttMs: 2.5, error: null },
      ]);
    });

    it('records fork evidence and changes channel state', async () => {
      await createChannelOn(store, 'c1');
      const fork = {
        channel: 'c1',
        party: 'Q',
        seq: 3,
        storedHash: 'a'.repeat(64),
        conflictingCanonical: '{}',
        conflictingSig: 'sig',
        reportedBy: 'Q',
        at: 9,
      };
      await store.recordFork(fork);
      expect(await store.listForks()).toEqual([fork]);
      await store.setChannelState('c1', 'suspended');
      expect((await store.getChannel('c1'))?.state).toBe('suspended');
      const parties = { ...(await store.getChannel('c1'))!.parties, FR: ['fr-elysee'] };
      await store.setChannelCharter('c1', {
        languages: ['ru', 'en', 'fr'],
        observers: { NATO: ['nato-sg'] },
        parties,
      });
      const amended = await store.getChannel('c1');
      expect(amended?.languages).toEqual(['ru', 'en', 'fr']);
      expect(amended?.observers).toEqual({ NATO: ['nato-sg'] });
      expect(amended?.parties).toEqual(parties);
      expect(amended?.offices).toEqual(Object.values(parties).flat());
    });
  });
}
