/**
 * Recovery of a node's own chains at start, against a stand-in peer (a plain HTTP server that
 * answers the chain-page route with prepared entries): entries past the node's head are
 * recovered and the appender continues after them; entries signed by another key, or another
 * history at a position the node holds, are refused and audited; a peer that does not answer
 * in time is reported and the node proceeds.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNING_DOMAIN, generateKeyPair, signMessage } from '../core/keys.js';
import type { ParleyNode } from '../node/parley-node.js';
import type { WireEntry } from './wire.js';
import { LOCAL_OPERATOR } from '../cli/local-node.js';
import { backupNode } from '../workflows/backup/backup.js';
import { restoreDataDir } from '../workflows/backup/restore.js';
import { createChannel } from '../workflows/channels/commands.js';
import { postEntry } from '../workflows/entries/commands.js';
import { openNode } from '../workflows/open-node.js';
import { newNode } from '../workflows/test-support/new-node.js';
import { federationContextOf } from './node-context.js';
import { ChainRecovery } from './recovery.js';
import { toWire } from './replicator.js';
import { unlockedActor } from '../../test/support/unlocked.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * A stand-in peer answering a request for RU's chain in `intel` from `from` with `pageOf(from)`
 * (by default what `entries` holds from there), after `delayMs`.
 */
async function standInPeer(
  entries: () => WireEntry[],
  delayMs = 0,
  pageOf = (from: number): WireEntry[] => entries().filter((e) => e.seq >= from),
): Promise<string> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://peer');
    const page = pageOf(Number(url.searchParams.get('from')));
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ entries: page, checkpoint: null }));
    }, delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/**
 * A node of RU sharing channel `intel` with peer US at `peerUrl`, backed up after two notes and
 * restored after two more: returns the restored node and the chain as the peer holds it.
 */
async function restoredNode(peerUrl: string): Promise<{ node: ParleyNode; chain: WireEntry[] }> {
  const made = await newNode('RU', {
    prefix: 'parley-recovery-',
    partyName: 'Party RU',
    office: { id: 'ru-ops', name: 'RU operations' },
    people: [['ru-duty', 'duty-officer']],
  });
  const { dir, dataDir } = made;
  let node: ParleyNode = made.node;
  await node.storage.putPeer({
    party: 'US',
    name: 'Party US',
    url: peerUrl,
    nodePublicKey: generateKeyPair().publicKey,
    addedAt: Date.now(),
  });
  await createChannel(node, LOCAL_OPERATOR, {
    id: 'intel',
    name: 'Intelligence',
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['en'],
  });
  // As if US had accepted (its acceptance is not what these tests are about).
  await node.storage.setChannelState('intel', 'active');
  const duty = await unlockedActor(node.storage, 'ru-duty');
  const note = (text: string) => postEntry(node, duty, 'intel', { kind: 'note', lang: 'en', body: { text } });
  for (const text of ['one', 'two']) await note(text);
  const file = join(dir, 'backup.db');
  await backupNode(node, file);
  for (const text of ['three', 'four']) await note(text);
  const chain = (await node.storage.readChain('intel', 'RU', 0, 1000)).map(toWire);
  await node.close();
  await restoreDataDir(dataDir, file);
  node = await openNode(dataDir);
  cleanups.push(() => node.close());
  return { node, chain };
}

function recoveryOf(node: ParleyNode, peerTimeoutMs?: number): ChainRecovery {
  return new ChainRecovery(
    { ...federationContextOf(node), reloadOwnChain: (channel) => node.appender.invalidate(channel) },
    peerTimeoutMs ? { peerTimeoutMs } : {},
  );
}

describe('recovery of own chains at start', () => {
  it('recovers the entries a peer holds past its head, and the next entry continues after them', async () => {
    let chain: WireEntry[] = [];
    const url = await standInPeer(() => chain);
    const restored = await restoredNode(url);
    chain = restored.chain;
    const { node } = restored;
    const before = (await node.storage.getChainHead('intel', 'RU'))!.size;
    expect(before).toBe(chain.length - 2);

    const recovery = recoveryOf(node);
    expect(recovery.recovering).toBe(true);
    const status = await recovery.run();
    expect(recovery.recovering).toBe(false);
    expect(status.peers).toEqual({ US: 'answered' });
    expect(status.recovered).toEqual([
      { channel: 'intel', party: 'RU', peer: 'US', count: 2, fromSeq: before, toSeq: before + 1 },
    ]);
    expect(status.alerts[0]?.message).toMatch(/recovered 2 entries of chain intel\/RU/);
    const head = (await node.storage.getChainHead('intel', 'RU'))!;
    expect(head.size).toBe(chain.length);

    const duty = await unlockedActor(node.storage, 'ru-duty');
    const next = await postEntry(node, duty, 'intel', { kind: 'note', lang: 'en', body: { text: 'five' } });
    expect(next.seq).toBe(chain.length);
  });

  it('refuses entries for its chain signed by another key and keeps them in the audit log', async () => {
    const forger = generateKeyPair();
    let chain: WireEntry[] = [];
    const url = await standInPeer(() => chain);
    const restored = await restoredNode(url);
    const { node } = restored;
    const size = (await node.storage.getChainHead('intel', 'RU'))!.size;
    chain = restored.chain.map((e) =>
      e.seq < size ? e : { ...e, sig: signMessage(forger.privateKey, SIGNING_DOMAIN.entry, e.canonical) },
    );

    const status = await recoveryOf(node).run();
    expect(status.recovered).toEqual([]);
    expect(status.alerts.some((a) => a.level === 'error' && /refused intel\/RU\//.test(a.message))).toBe(
      true,
    );
    expect((await node.storage.getChainHead('intel', 'RU'))!.size).toBe(size);
    const audit = await node.storage.listSecurityEvents({ limit: 10 });
    expect(audit.some((e) => e.action === 'recovery_refused')).toBe(true);
  });

  it('refuses a peer that holds another history at a position it holds', async () => {
    let chain: WireEntry[] = [];
    // This stand-in answers from one entry before the asked position, altered.
    const url = await standInPeer(
      () => chain,
      0,
      (from) =>
        chain
          .filter((e) => e.seq >= from - 1)
          .map((e) => (e.seq === from - 1 ? { ...e, canonical: e.canonical.replace('"two"', '"deux"') } : e)),
    );
    const restored = await restoredNode(url);
    chain = restored.chain;
    const { node } = restored;
    const size = (await node.storage.getChainHead('intel', 'RU'))!.size;
    const status = await recoveryOf(node).run();
    expect(status.recovered).toEqual([]);
    expect(status.alerts[0]?.message).toMatch(new RegExp(`holds a different entry at intel/RU/${size - 1}`));
    expect((await node.storage.getChainHead('intel', 'RU'))!.size).toBe(size);
  });

  it('proceeds when a peer does not answer in time, and says so', async () => {
    const url = await standInPeer(() => [], 5000);
    const { node } = await restoredNode(url);
    const started = Date.now();
    const status = await recoveryOf(node, 300).run();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(status.state).toBe('done');
    expect(status.peers).toEqual({ US: 'timed_out' });
    expect(status.alerts[0]).toMatchObject({ level: 'warn' });
    expect(status.alerts[0]!.message).toMatch(/did not answer within 300 ms/);
  });

  it('proceeds when a peer is unreachable', async () => {
    const { node } = await restoredNode('http://127.0.0.1:1');
    const status = await recoveryOf(node, 2000).run();
    expect(status.peers).toEqual({ US: 'unreachable' });
    expect(status.alerts[0]!.message).toMatch(/unreachable at start/);
  });
});
