/**
 * The idempotency-key part of the storage contract suite: claims are atomic, answers round-trip,
 * expired records give way, and purges drop what expired and claims left by a stopped process.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { IdempotencyClaim, Storage } from './storage.js';

const DAY = 24 * 3600_000;

function claim(key: string, overrides: Partial<IdempotencyClaim> = {}): IdempotencyClaim {
  return { principal: 'alice', key, fingerprint: 'f1', createdAt: 1000, expiresAt: 1000 + DAY, ...overrides };
}

export function describeIdempotency(current: () => Storage): void {
  let store: Storage;

  beforeEach(() => {
    store = current();
  });

  describe('idempotency keys', () => {
    it('claims a key once; the holder is returned to later claims', async () => {
      expect(await store.claimIdempotencyKey(claim('k1'))).toBeNull();
      const held = await store.claimIdempotencyKey(claim('k1', { fingerprint: 'f2', createdAt: 2000 }));
      expect(held).toEqual({
        principal: 'alice',
        key: 'k1',
        fingerprint: 'f1',
        status: null,
        contentType: null,
        body: null,
        createdAt: 1000,
        expiresAt: 1000 + DAY,
      });
      // Keys are per principal.
      expect(await store.claimIdempotencyKey(claim('k1', { principal: 'bob' }))).toBeNull();
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.claimIdempotencyKey(claim('race'))),
      );
      expect(results.filter((r) => r === null)).toHaveLength(1);
    });

    it('stores the answer once and keeps it', async () => {
      await store.claimIdempotencyKey(claim('k2'));
      const answer = { status: 201, contentType: 'application/json', body: '{"seq":1,"é":"✓"}' };
      await store.completeIdempotencyKey('alice', 'k2', answer);
      // A second completion does not overwrite the first answer.
      await store.completeIdempotencyKey('alice', 'k2', { status: 500, contentType: null, body: 'x' });
      const held = await store.claimIdempotencyKey(claim('k2', { createdAt: 5000 }));
      expect(held).toMatchObject({ status: 201, contentType: 'application/json', body: answer.body });
    });

    it('releases only unanswered claims', async () => {
      await store.claimIdempotencyKey(claim('open'));
      await store.releaseIdempotencyKey('alice', 'open');
      expect(await store.claimIdempotencyKey(claim('open'))).toBeNull();
      await store.completeIdempotencyKey('alice', 'open', { status: 200, contentType: null, body: '{}' });
      await store.releaseIdempotencyKey('alice', 'open');
      expect(await store.claimIdempotencyKey(claim('open'))).toMatchObject({ status: 200 });
    });

    it('forgets an expired record when the key is claimed again', async () => {
      await store.claimIdempotencyKey(claim('old'));
      await store.completeIdempotencyKey('alice', 'old', { status: 201, contentType: null, body: '{}' });
      const later = claim('old', { fingerprint: 'f9', createdAt: 1000 + DAY, expiresAt: 1000 + 2 * DAY });
      expect(await store.claimIdempotencyKey(later)).toBeNull();
      expect(await store.claimIdempotencyKey(claim('old', { createdAt: 1000 + DAY + 1 }))).toMatchObject({
        fingerprint: 'f9',
        status: null,
      });
    });

    it('purges expired records and stale claims', async () => {
      await store.claimIdempotencyKey(claim('expired', { expiresAt: 1500 }));
      await store.claimIdempotencyKey(claim('stale-claim', { createdAt: 1000 }));
      await store.claimIdempotencyKey(claim('answered', { createdAt: 1000 }));
      await store.completeIdempotencyKey('alice', 'answered', { status: 200, contentType: null, body: '{}' });
      await store.claimIdempotencyKey(claim('fresh-claim', { createdAt: 3000 }));
      expect(await store.purgeIdempotencyKeys(2000, 2500)).toBe(2);
      const at = { createdAt: 4000 };
      expect(await store.claimIdempotencyKey(claim('expired', at))).toBeNull();
      expect(await store.claimIdempotencyKey(claim('stale-claim', at))).toBeNull();
      expect(await store.claimIdempotencyKey(claim('answered', at))).toMatchObject({ status: 200 });
      expect(await store.claimIdempotencyKey(claim('fresh-claim', at))).toMatchObject({ status: null });
    });
  });
}
