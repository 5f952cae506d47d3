/**
 * The move part of the storage contract suite (contract/backup.ts): every copied table read from
 * one snapshot and written into a fresh store of the same engine comes back identical through
 * the contract's reads, generated keys included, and the target's generators continue after
 * them; an import refuses a non-empty target and leaves nothing behind when it fails midway.
 * (Moves between the two engines run end to end in test/move.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EQUIVOCATION_EVIDENCE,
  PEER_Q,
  TestChain,
  channelRecord,
  principalRecord,
} from './contract-fixtures.js';
import type { Storage, TableRows } from './storage.js';

async function fill(store: Storage): Promise<TestChain> {
  await store.setNodeInfo({
    party: 'P',
    partyName: 'Party P',
    nodePublicKey: 'K'.repeat(43) + '=',
    createdAt: 1,
  });
  await store.addOffice({ id: 'ops', name: 'Operations' });
  // Key material is copied as stored, whatever it holds (here: not even base64).
  await store.addPrincipal(
    principalRecord('alice', { office: 'ops', privateKey: 'opaque:sealed-key-bytes' }),
  );
  await store.addPrincipal(principalRecord('bob', { office: 'ops', disabled: true }));
  await store.createApiToken({
    tokenHash: 'h1',
    principal: 'alice',
    label: 'cli',
    createdAt: 2,
    expiresAt: 99,
  });
  const chain = new TestChain('c1', 'P');
  await store.createChannel(
    channelRecord('c1'),
    chain.take(3, { kind: 'charter', author: 'node' }),
    chain.head(),
  );
  await store.appendEntries(chain.take(4, { kind: 'note', author: 'alice' }), [chain.head()]);
  await store.putPeer(PEER_Q);
  await store.setReplication('Q', 'c1', 6);
  await store.putCosignature('c1', 'P', 7, 'Q', 'note-7', 3);
  await store.recordWitnessed('c1', 'Q', 2, 'aa', 4);
  await store.recordLinkTest({ peer: 'Q', at: 1, ok: true, rttMs: 2.5, error: null });
  await store.recordLinkTest({ peer: 'Q', at: 2, ok: false, rttMs: null, error: 'unreachable' });
  await store.recordEquivocation(EQUIVOCATION_EVIDENCE);
  return chain;
}

/** What the contract reads of a store, for comparing two of them. */
async function contents(store: Storage) {
  return {
    info: await store.getNodeInfo(),
    offices: await store.listOffices(),
    principals: await store.listPrincipals(),
    tokens: await store.listApiTokens(null),
    channels: await store.listChannels(),
    entries: await store.readChannel('c1', 0, 100),
    heads: await store.listChainHeads('c1'),
    peers: await store.listPeers(),
    replication: await store.getReplication('Q'),
    cosignatures: await store.latestCosignatures('c1', 'P'),
    linkTests: await store.listLinkTests('Q', 10),
    equivocations: await store.listEquivocations(),
    latestCursor: await store.latestCursor(),
  };
}

/** Copies `from` into `to` from one snapshot. */
async function copy(from: Storage, to: Storage, extra: TableRows[] = []): Promise<number> {
  return from.readSnapshot(async (snapshot) => {
    async function* batches(): AsyncGenerator<TableRows> {
      for (const table of snapshot.tables) {
        for await (const rows of snapshot.rows(table.name, 2)) yield { table: table.name, rows };
      }
      yield* extra;
    }
    return to.importTables(snapshot.tables, batches());
  });
}

export function describeMove(current: () => Storage, open: () => Promise<Storage>): void {
  describe('moving a node (export and import of every table)', () => {
    let store: Storage;
    let target: Storage | null = null;

    beforeEach(() => {
      store = current();
    });
    afterEach(async () => {
      await target?.close();
      target = null;
    });

    it('copies every table into an empty store, identical through the contract, generators continuing', async () => {
      const chain = await fill(store);
      target = await open();
      expect((await target.copiedTables()).every((t) => t.rows === 0)).toBe(true);
      const tables = await store.copiedTables();
      expect(tables.map((t) => t.name)).not.toContain('schema_migrations');
      const written = await copy(store, target);
      expect(written).toBe(tables.reduce((n, t) => n + t.rows, 0));
      expect(await contents(target)).toEqual(await contents(store));

      const before = await target.latestCursor();
      await target.appendEntries(chain.take(1, { kind: 'note', author: 'alice' }), [chain.head()]);
      expect(await target.latestCursor()).toBeGreaterThan(before);
      await target.recordEquivocation({
        channel: 'c1',
        party: 'Q',
        noteA: 'c',
        noteB: 'd',
        detail: 'again',
        reportedBy: 'P',
        at: 5,
      });
      expect(await target.listEquivocations()).toHaveLength(2);
    });

    it('refuses a non-empty target and writes nothing when a batch fails midway', async () => {
      await fill(store);
      target = await open();
      await expect(copy(store, target, [{ table: 'no_such_table', rows: [[1]] }])).rejects.toThrow(
        /no_such_table/,
      );
      expect((await target.copiedTables()).every((t) => t.rows === 0)).toBe(true);
      await copy(store, target);
      await expect(copy(store, target)).rejects.toThrow(/already holds a node/);
    });
  });
}
