/**
 * The passkeys part of the storage contract suite: credentials per principal, the signature
 * counter's compare-and-set, one-time challenges bound to a session, and a session that owes a
 * second factor.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { principalRecord, sessionRecord } from './contract-fixtures.js';
import { AlreadyExistsError, type PasskeyCredential, type Storage } from './storage.js';

function credential(id: string, principal: string, overrides: Partial<PasskeyCredential> = {}) {
  return {
    id,
    principal,
    name: `key ${id}`,
    publicKey: `pk-${id}`,
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'singleDevice',
    backedUp: false,
    createdAt: 100,
    lastUsedAt: null,
    ...overrides,
  } satisfies PasskeyCredential;
}

export function describePasskeys(current: () => Storage): void {
  let store: Storage;

  beforeEach(() => {
    store = current();
  });

  async function addPeople(): Promise<void> {
    await store.addPrincipal(principalRecord('alice'));
    await store.addPrincipal(principalRecord('bob'));
  }

  describe('passkeys', () => {
    beforeEach(addPeople);

    it('round-trip per principal, refuse a credential id twice, rename and delete only their own', async () => {
      const a1 = credential('cred-a1', 'alice', { backedUp: true, deviceType: 'multiDevice' });
      const a2 = credential('cred-a2', 'alice', { createdAt: 200 });
      const b1 = credential('cred-b1', 'bob', { createdAt: 150, transports: [] });
      for (const c of [a2, b1, a1]) await store.addPasskey(c);
      expect(await store.getPasskey('cred-a1')).toEqual(a1);
      expect(await store.getPasskey('nope')).toBeNull();
      expect(await store.listPasskeys('alice')).toEqual([a1, a2]);
      expect((await store.listPasskeys(null)).map((c) => c.id)).toEqual(['cred-a1', 'cred-b1', 'cred-a2']);
      await expect(store.addPasskey(credential('cred-a1', 'bob'))).rejects.toBeInstanceOf(AlreadyExistsError);

      expect(await store.renamePasskey('cred-a1', 'bob', 'stolen')).toBe(false);
      expect(await store.renamePasskey('cred-a1', 'alice', 'laptop')).toBe(true);
      expect((await store.getPasskey('cred-a1'))!.name).toBe('laptop');
      expect(await store.deletePasskey('cred-a1', 'bob')).toBe(false);
      expect(await store.deletePasskey('cred-a1', 'alice')).toBe(true);
      expect(await store.deletePasskey('cred-a1', 'alice')).toBe(false);
      expect(await store.listPasskeys('alice')).toEqual([a2]);
    });

    it('records a use only over the counter it was read with', async () => {
      await store.addPasskey(credential('cred', 'alice', { counter: 5 }));
      expect(await store.recordPasskeyUse('cred', 5, 6, 1000)).toBe(true);
      // A second login that read counter 5 loses the race.
      expect(await store.recordPasskeyUse('cred', 5, 7, 1001)).toBe(false);
      expect(await store.getPasskey('cred')).toMatchObject({ counter: 6, lastUsedAt: 1000 });
      expect(await store.recordPasskeyUse('gone', 0, 1, 1002)).toBe(false);
    });

    it('gives a challenge once, only to its session and purpose, before it expires', async () => {
      const base = { principal: 'alice', sessionHash: 's1', purpose: 'login' as const, expiresAt: 5000 };
      await store.putPasskeyChallenge({ ...base, challenge: 'c1' });
      await store.putPasskeyChallenge({ ...base, challenge: 'c2', sessionHash: 's2' });
      await store.putPasskeyChallenge({ ...base, challenge: 'c3', sessionHash: 's3', expiresAt: 2000 });
      await store.putPasskeyChallenge({ ...base, challenge: 'r1', purpose: 'register' });
      await expect(
        store.putPasskeyChallenge({ ...base, challenge: 'c2', sessionHash: 's4' }),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(await store.takePasskeyChallenge('c1', 's2', 'login', 1000)).toBe(false);
      expect(await store.takePasskeyChallenge('c1', 's1', 'register', 1000)).toBe(false);
      expect(await store.takePasskeyChallenge('c1', 's1', 'login', 1000)).toBe(true);
      expect(await store.takePasskeyChallenge('c1', 's1', 'login', 1000)).toBe(false);
      expect(await store.takePasskeyChallenge('c3', 's3', 'login', 2000)).toBe(false);
      expect(await store.takePasskeyChallenge('c2', 's2', 'login', 4999)).toBe(true);
      expect(await store.takePasskeyChallenge('r1', 's1', 'register', 1000)).toBe(true);
    });

    it('keeps one challenge per session and ceremony: a new one replaces the last', async () => {
      const base = { principal: 'alice', sessionHash: 's1', purpose: 'login' as const, expiresAt: 5000 };
      await store.putPasskeyChallenge({ ...base, challenge: 'old' });
      await store.putPasskeyChallenge({ ...base, challenge: 'kept', purpose: 'register' });
      await store.putPasskeyChallenge({ ...base, challenge: 'new' });
      expect(await store.takePasskeyChallenge('old', 's1', 'login', 1000)).toBe(false);
      expect(await store.takePasskeyChallenge('new', 's1', 'login', 1000)).toBe(true);
      expect(await store.takePasskeyChallenge('kept', 's1', 'register', 1000)).toBe(true);
    });
  });

  describe('sessions owing a second factor', () => {
    beforeEach(addPeople);

    it('read back pending, and complete exactly once with their new end', async () => {
      const session = sessionRecord('p1');
      await store.createSession({ ...session, pendingFactor: 'passkey' });
      await store.createSession({ ...session, tokenHash: 'p2', pendingFactor: 'passkey-enrol' });
      await store.createSession({ ...session, tokenHash: 'p3' });
      expect(await store.getSession('p1')).toEqual({ ...session, pendingFactor: 'passkey' });
      expect((await store.getSession('p2'))!.pendingFactor).toBe('passkey-enrol');
      expect(await store.completeSessionFactor('p1', 99)).toBe(true);
      expect(await store.getSession('p1')).toEqual({ ...session, expiresAt: 99 });
      expect(await store.completeSessionFactor('p1', 120)).toBe(false);
      expect(await store.completeSessionFactor('p3', 120)).toBe(false);
      expect(await store.completeSessionFactor('missing', 120)).toBe(false);
      expect((await store.getSession('p3'))!.expiresAt).toBe(20);
    });
  });
}
