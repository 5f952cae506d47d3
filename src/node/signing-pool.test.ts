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
import { canonicalize } from '../core/canonical-json.js';
import { SigningPool, type VerifyJob } from './signing-pool.js';

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

  it('verifies received entries against the key each names, in job order, helped or not', async () => {
    const signed = Array.from({ length: 200 }, (_, i): VerifyJob => {
      const key = keys[i % 2]!;
      const canonical = canonicalize({ authorKey: key.publicKey, body: { text: `entry ${i} — запись` } });
      return {
        canonical,
        sig: sign(
          null,
          Buffer.from(SIGNING_DOMAIN.entry + canonical),
          privateKeyObject(key.privateKey),
        ).toString('base64'),
      };
    });
    const other = canonicalize({ authorKey: keys[1]!.publicKey, body: { text: 'entry 0 — запись' } });
    // Broken at known places: altered bytes, another named key, not JSON, no key, a short signature.
    const broken = new Map<number, VerifyJob>([
      [7, { ...signed[7]!, canonical: signed[7]!.canonical.replace('entry 7', 'entry 8') }],
      [100, { ...signed[100]!, canonical: other }],
      [150, { ...signed[150]!, canonical: 'not json' }],
      [151, { ...signed[151]!, canonical: canonicalize({ body: {} }) }],
      [199, { ...signed[199]!, sig: 'c2hvcnQ=' }],
    ]);
    const jobs = signed.map((job, i) => broken.get(i) ?? job);
    for (const help of [false, true]) {
      const pending = pool.verifyEntries(jobs);
      if (help) pool.help();
      const verdicts = await pending;
      expect(verdicts).toEqual(jobs.map((_, i) => (broken.has(i) ? '' : keys[i % 2]!.publicKey)));
    }
    // A small batch is checked on the calling thread, with the same verdicts.
    expect(await pool.verifyEntries(jobs.slice(0, 10))).toEqual(
      jobs.slice(0, 10).map((_, i) => (broken.has(i) ? '' : keys[i % 2]!.publicKey)),
    );
  });
});
