import { afterAll, describe, expect, it } from 'vitest';
import { sign } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import {
  SIGNING_DOMAIN,
  generateKeyPair,
  privateKeyObject,
  registerExternalSigner,
  verifyMessage,
} from '../core/keys.js';
import { SigningPool } from './signing-pool.js';

const pool = new SigningPool(2);
afterAll(() => pool.close());

describe('SigningPool', () => {
  const keys = [generateKeyPair(), generateKeyPair()];
  const jobs = Array.from({ length: 300 }, (_, i) => ({
    privateKey: keys[i % 2]!.privateKey,
    domain: SIGNING_DOMAIN.entry,
    message: `message ${i} — сообщение`,
  }));

  it('returns valid signatures in job order, whether or not the caller helps', async () => {
    for (const help of [false, true]) {
      const pending = pool.sign(jobs);
      if (help) pool.help();
      const signatures = await pending;
      expect(signatures).toHaveLength(jobs.length);
      signatures.forEach((sig, i) => {
        expect(verifyMessage(keys[i % 2]!.publicKey, SIGNING_DOMAIN.entry, jobs[i]!.message, sig)).toBe(true);
      });
    }
  });

  it('serves concurrent requests independently', async () => {
    const [a, b] = await Promise.all([pool.sign(jobs.slice(0, 50)), pool.sign(jobs.slice(50, 120))]);
    expect(verifyMessage(keys[0]!.publicKey, SIGNING_DOMAIN.entry, jobs[0]!.message, a[0]!)).toBe(true);
    expect(verifyMessage(keys[0]!.publicKey, SIGNING_DOMAIN.entry, jobs[50]!.message, b[0]!)).toBe(true);
  });

  it('rejects a batch with an unusable key', async () => {
    const bad = [...jobs.slice(0, 40), { ...jobs[0]!, privateKey: 'bm90IGEga2V5' }];
    await expect(pool.sign(bad)).rejects.toThrow();
  });

  it('signs batches holding a device-held key on the calling thread', async () => {
    const held = generateKeyPair();
    let calls = 0;
    const handle = registerExternalSigner('test', {
      publicKey: held.publicKey,
      sign(bytes) {
        calls += 1;
        expect(isMainThread).toBe(true);
        return sign(null, bytes, privateKeyObject(held.privateKey));
      },
    });
    const mixed = jobs.map((job, i) => (i % 3 === 0 ? { ...job, privateKey: handle } : job));
    const signatures = await pool.sign(mixed);
    expect(calls).toBe(100);
    signatures.forEach((sig, i) => {
      const key = i % 3 === 0 ? held.publicKey : keys[i % 2]!.publicKey;
      expect(verifyMessage(key, SIGNING_DOMAIN.entry, mixed[i]!.message, sig)).toBe(true);
    });
  });
});
