/**
 * The directory and sessions part of the storage contract suite: node info, offices,
 * principals, sessions, API tokens and the audit trail.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { principalRecord } from './contract-fixtures.js';
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
      const session = {
        tokenHash: 'h1',
        principal: 'alice',
        csrfToken: 'csrf',
        createdAt: 10,
        expiresAt: 20,
        lastSeenAt: 10,
      };
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
      await store.createApiToken(token);
      expect(await store.getApiToken('t1')).toEqual(token);
      expect(await store.getApiToken('t2')).toBeNull();
      await expect(store.createApiToken({ ...token, label: 'again' })).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
    });

    it('lists, revokes and ends API tokens per principal; a null expiry round-trips', async () => {
      await store.addPrincipal(principalRecord('alice'));
      await store.addPrincipal(principalRecord('bob'));
      const a1 = { tokenHash: 'a1', principal: 'alice', label: 'one', createdAt: 1, expiresAt: null };
      const a2 = { tokenHash: 'a2', principal: 'alice', label: 'two', createdAt: 2, expiresAt: 9 };
      const b1 = { tokenHash: 'b1', principal: 'bob', label: 'bob', createdAt: 3, expiresAt: 9 };
      for (const token of [b1, a2, a1]) await store.createApiToken(token);
      expect(await store.listApiTokens('alice')).toEqual([a1, a2]);
      expect(await store.listApiTokens(null)).toEqual([a1, a2, b1]);
      expect(await store.deleteApiToken('a1')).toBe(true);
      expect(await store.deleteApiToken('a1')).toBe(false);
      expect(await store.getApiToken('a1')).toBeNull();
      expect(await store.deleteApiTokensOf('alice')).toBe(1);
      expect(await store.listApiTokens(null)).toEqual([b1]);
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

  describe('audit', () => {
    it('records events and lists the newest first', async () => {
      expect(await store.listAudit(10)).toEqual([]);
      const events = [
        { at: 1, type: 'login', principal: 'alice', ip: '192.0.2.1', detail: '' },
        { at: 2, type: 'login-failed', principal: null, ip: '192.0.2.2', detail: 'bad password' },
        { at: 3, type: 'node-start', principal: null, ip: null, detail: '{"version":"0.1.0"}' },
      ];
      for (const event of events) await store.recordAudit(event);
      expect(await store.listAudit(10)).toEqual([...events].reverse());
      expect(await store.listAudit(2)).toEqual([events[2], events[1]]);
    });
  });
}
