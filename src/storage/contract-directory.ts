/**
 * The directory and sessions part of the storage contract suite: node info, offices,
 * principals, sessions, API tokens and the security audit trail.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { principalRecord, sessionRecord, testTrailSeal } from './contract-fixtures.js';
import { AlreadyExistsError, type Storage } from './storage.js';

export function describeDirectory(current: () => Storage): void {
  let store: Storage;

  beforeEach(() => {
    store = current();
  });

  describe('node info', () => {
    it('is null until set, then round-trips and can be replaced', async () => {
      expect(await store.getNodeInfo()).toBeNull();
      const info = { party: 'P', partyName: 'Party P', nodePublicKey: 'key1', createdAt: 1 };
      await store.setNodeInfo(info);
      expect(await store.getNodeInfo()).toEqual(info);
      const replaced = { ...info, partyName: 'Party P renamed', nodePublicKey: 'key2' };
      await store.setNodeInfo(replaced);
      expect(await store.getNodeInfo()).toEqual(replaced);
    });
  });

  describe('offices', () => {
    it('round-trips, lists by id and rejects duplicates', async () => {
      expect(await store.getOffice('ops')).toBeNull();
      await store.addOffice({ id: 'ops', name: 'Operations' });
      await store.addOffice({ id: 'legal', name: 'Legal' });
      expect(await store.getOffice('ops')).toEqual({ id: 'ops', name: 'Operations' });
      expect(await store.listOffices()).toEqual([
        { id: 'legal', name: 'Legal' },
        { id: 'ops', name: 'Operations' },
      ]);
      const duplicate = store.addOffice({ id: 'ops', name: 'Other' });
      await expect(duplicate).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(duplicate).rejects.toMatchObject({ what: 'office', id: 'ops' });
      expect(await store.getOffice('ops')).toEqual({ id: 'ops', name: 'Operations' });
    });
  });

  describe('principals', () => {
    it('round-trips every field, lists by id and rejects duplicates', async () => {
      await store.addOffice({ id: 'ops', name: 'Operations' });
      const bob = principalRecord('bob', { office: 'ops', role: 'duty-officer', disabled: true });
      const admin = principalRecord('admin', { role: 'admin' });
      await store.addPrincipal(bob);
      await store.addPrincipal(admin);
      expect(await store.getPrincipal('bob')).toEqual(bob);
      expect(await store.getPrincipal('admin')).toEqual(admin);
      expect(await store.getPrincipal('nobody')).toBeNull();
      expect(await store.listPrincipals()).toEqual([admin, bob]);
      const duplicate = store.addPrincipal(principalRecord('bob'));
      await expect(duplicate).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(duplicate).rejects.toMatchObject({ what: 'principal', id: 'bob' });
      expect(await store.getPrincipal('bob')).toEqual(bob);
    });
  });

  describe('sessions and API tokens', () => {
    it('creates, reads and deletes sessions', async () => {
      await store.addPrincipal(principalRecord('alice'));
      const session = sessionRecord('h1');
      await store.createSession(session);
      expect(await store.getSession('h1')).toEqual(session);
      expect(await store.getSession('h2')).toBeNull();
      await expect(store.createSession({ ...session, csrfToken: 'other' })).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
      await store.deleteSession('h1');
      expect(await store.getSession('h1')).toBeNull();
      await store.deleteSession('h1'); // deleting twice is harmless
    });

    it('creates and reads API tokens', async () => {
      await store.addPrincipal(principalRecord('alice'));
      const token = { tokenHash: 't1', principal: 'alice', label: 'ci bot', createdAt: 5, expiresAt: 50 };
      // A new token has not been used yet.
      const stored = { ...token, lastUsedAt: null };
      await store.createApiToken(token);
      expect(await store.getApiToken('t1')).toEqual(stored);
      expect(await store.getApiToken('t2')).toBeNull();
      await expect(store.createApiToken({ ...token, label: 'again' })).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
    });

    it('lists, revokes and ends API tokens per principal; a null expiry round-trips', async () => {
      await store.addPrincipal(principalRecord('alice'));
      await store.addPrincipal(principalRecord('bob'));
      const a1 = {
        tokenHash: 'a1',
        principal: 'alice',
        label: 'one',
        createdAt: 1,
        expiresAt: null,
        lastUsedAt: null,
      };
      const a2 = {
        tokenHash: 'a2',
        principal: 'alice',
        label: 'two',
        createdAt: 2,
        expiresAt: 9,
        lastUsedAt: null,
      };
      const b1 = {
        tokenHash: 'b1',
        principal: 'bob',
        label: 'bob',
        createdAt: 3,
        expiresAt: 9,
        lastUsedAt: null,
      };
      for (const token of [b1, a2, a1]) await store.createApiToken(token);
      expect(await store.listApiTokens('alice')).toEqual([a1, a2]);
      expect(await store.listApiTokens(null)).toEqual([a1, a2, b1]);
      expect(await store.deleteApiToken('a1')).toBe(true);
      expect(await store.deleteApiToken('a1')).toBe(false);
      expect(await store.getApiToken('a1')).toBeNull();
      expect(await store.deleteApiTokensOf('alice')).toBe(1);
      expect(await store.listApiTokens(null)).toEqual([b1]);
    });

    it('creates, finds by token hash, lists and revokes calendar feeds', async () => {
      const a = {
        id: 'f1',
        tokenHash: 'h1',
        principal: 'alice',
        scope: 'office',
        target: 'ops',
        createdAt: 2,
      } as const;
      const b = {
        id: 'f2',
        tokenHash: 'h2',
        principal: 'bob',
        scope: 'channel',
        target: 'c1',
        createdAt: 1,
      } as const;
      await store.createCalendarFeed(a);
      await store.createCalendarFeed(b);
      expect(await store.getCalendarFeed('h1')).toEqual(a);
      expect(await store.getCalendarFeed('h3')).toBeNull();
      await expect(store.createCalendarFeed({ ...a, tokenHash: 'h3' })).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
      await expect(store.createCalendarFeed({ ...a, id: 'f3' })).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(await store.listCalendarFeeds('alice')).toEqual([a]);
      expect(await store.listCalendarFeeds(null)).toEqual([b, a]);
      expect(await store.deleteCalendarFeed('f1')).toBe(true);
      expect(await store.deleteCalendarFeed('f1')).toBe(false);
      expect(await store.getCalendarFeed('h1')).toBeNull();
    });

    it("touches sessions forward only and ends a principal's other sessions", async () => {
      await store.addPrincipal(principalRecord('alice'));
      await store.addPrincipal(principalRecord('bob'));
      const base = { csrfToken: 'c', createdAt: 1, expiresAt: 100, lastSeenAt: 1 };
      await store.createSession({ ...base, tokenHash: 's1', principal: 'alice' });
      await store.createSession({ ...base, tokenHash: 's2', principal: 'alice' });
      await store.createSession({ ...base, tokenHash: 's3', principal: 'alice' });
      await store.createSession({ ...base, tokenHash: 's4', principal: 'bob' });
      await store.touchSession('s1', 50);
      await store.touchSession('s1', 40);
      expect((await store.getSession('s1'))?.lastSeenAt).toBe(50);
      expect(await store.deleteSessionsOf('alice', 's1')).toBe(2);
      expect(await store.getSession('s1')).not.toBeNull();
      expect(await store.getSession('s2')).toBeNull();
      expect(await store.deleteSessionsOf('alice', null)).toBe(1);
      expect(await store.getSession('s4')).not.toBeNull();
    });

    it('disables, enables and re-passwords principals', async () => {
      await store.addPrincipal(principalRecord('alice'));
      expect(await store.setPrincipalDisabled('alice', true)).toBe(true);
      expect((await store.getPrincipal('alice'))?.disabled).toBe(true);
      expect(await store.setPrincipalDisabled('alice', false)).toBe(true);
      expect((await store.getPrincipal('alice'))?.disabled).toBe(false);
      expect(await store.setPasswordHash('alice', 'scrypt$new')).toBe(true);
      expect((await store.getPrincipal('alice'))?.passwordHash).toBe('scrypt$new');
      expect(await store.setPrincipalDisabled('nobody', true)).toBe(false);
      expect(await store.setPasswordHash('nobody', 'x')).toBe(false);
    });
  });

  describe('security audit trail', () => {
    it('appends events in sequence, each on the tip, and moves the signed head', async () => {
      expect(await store.getSecurityTrailHead()).toBeNull();
      expect(await store.readSecurityTrail(0, 10)).toEqual([]);
      const tips: unknown[] = [];
      for (const action of ['login', 'logout', 'login']) {
        await store.appendSecurityEvent((tip) => {
          tips.push(tip);
          return testTrailSeal({ action })(tip);
        });
      }
      expect(tips).toEqual([
        null,
        { seq: 1, hash: '1'.padStart(64, 'f') },
        { seq: 2, hash: '2'.padStart(64, 'f') },
      ]);
      const trail = await store.readSecurityTrail(0, 10);
      expect(trail.map((e) => [e.seq, e.action])).toEqual([
        [1, 'login'],
        [2, 'logout'],
        [3, 'login'],
      ]);
      expect(trail[1]!.prevHash).toBe(trail[0]!.hash);
      expect(await store.readSecurityTrail(1, 1)).toEqual([trail[1]]);
      expect(await store.getSecurityTrailHead()).toEqual({
        seq: 3,
        hash: trail[2]!.hash,
        nodeKey: 'k',
        sig: 'head 3',
      });
    });

    it('gives racing appends distinct, gapless sequence numbers', async () => {
      await Promise.all(Array.from({ length: 12 }, () => store.appendSecurityEvent(testTrailSeal())));
      const trail = await store.readSecurityTrail(0, 100);
      expect(trail.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      for (let i = 1; i < trail.length; i++) expect(trail[i]!.prevHash).toBe(trail[i - 1]!.hash);
      expect((await store.getSecurityTrailHead())?.seq).toBe(12);
    });

    it('lists newest first with filters and pages', async () => {
      const events = [
        { action: 'login', actor: 'alice', at: 10 },
        { action: 'login_failed', actor: null, subject: 'bob', at: 20 },
        { action: 'login', actor: 'bob', at: 30 },
        { action: 'token_created', actor: 'alice', at: 40 },
      ];
      for (const fields of events) await store.appendSecurityEvent(testTrailSeal(fields));
      const seqs = async (query: Parameters<Storage['listSecurityEvents']>[0]): Promise<number[]> =>
        (await store.listSecurityEvents(query)).map((e) => e.seq);
      expect(await seqs({ limit: 10 })).toEqual([4, 3, 2, 1]);
      expect(await seqs({ limit: 2 })).toEqual([4, 3]);
      expect(await seqs({ limit: 2, beforeSeq: 3 })).toEqual([2, 1]);
      expect(await seqs({ limit: 10, action: 'login' })).toEqual([3, 1]);
      expect(await seqs({ limit: 10, actor: 'alice' })).toEqual([4, 1]);
      expect(await seqs({ limit: 10, subject: 'bob' })).toEqual([2]);
      expect(await seqs({ limit: 10, since: 20, until: 40 })).toEqual([3, 2]);
      expect(await seqs({ limit: 0 })).toEqual([]);
    });

    it("records a token's last use", async () => {
      await store.addPrincipal(principalRecord('alice'));
      await store.createApiToken({ tokenHash: 't', principal: 'alice', label: 'l', createdAt: 1 });
      expect((await store.getApiToken('t'))?.lastUsedAt).toBeNull();
      await store.touchApiToken('t', 42);
      expect((await store.getApiToken('t'))?.lastUsedAt).toBe(42);
      expect((await store.listApiTokens('alice'))[0]?.lastUsedAt).toBe(42);
    });
  });
}
