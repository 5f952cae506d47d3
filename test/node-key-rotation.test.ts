/**
 * Rotating a node key across two real `parley serve` processes: RU's operator stops RU, rotates
 * its key (`parley node-key rotate`) and starts it again; US, which pinned the old key, is shown
 * the statement signed by it, moves its pin without a new fingerprint exchange, and both keep
 * exchanging entries and cosigning checkpoints (an entry RU's node signed under the old key while
 * US was away is delivered after the rotation); `parley verify` passes on both, old entries included. A rotation not signed by the pinned key is refused and the pin stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, signMessage } from '../src/core/keys.js';
import { databasePath } from '../src/node/data-dir.js';
import { ROTATION_DOMAIN, rotationStatement } from '../src/node/node-key-rotation.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import {
  api,
  eventually,
  openChannel,
  peerUp,
  runCli,
  startParty,
  type PartyNode,
} from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

beforeAll(async () => {
  [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  peerUp(ru, us);
  await openChannel(ru, us);
});

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
});

async function send(node: PartyNode, text: string): Promise<number> {
  const sent = await api<{ seq: number }>(
    node,
    `${node.party.toLowerCase()}-duty`,
    'POST',
    '/api/v1/channels/intel/entries',
    { kind: 'note', lang: 'en', body: { text } },
  );
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return sent.body.seq;
}

/** `eventually`, but a timeout says what both nodes logged (warnings and errors), to find why. */
async function arrivedOrExplain(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  try {
    return await eventually(check, timeoutMs, what);
  } catch (error) {
    const tail = (node: PartyNode) => node.serve.output().slice(-4000);
    throw new Error(`${(error as Error).message}\n--- RU log ---\n${tail(ru)}\n--- US log ---\n${tail(us)}`);
  }
}

async function holds(node: PartyNode, party: string, seq: number): Promise<boolean> {
  const user = `${node.party.toLowerCase()}-duty`;
  return (await api(node, user, 'GET', `/api/v1/channels/intel/entries/${party}/${seq}`)).status === 200;
}

/** The other party's cosignature of `node`'s chain, once it covers at least `size` entries. */
async function cosignedBy(node: PartyNode, witness: string, size: number): Promise<boolean> {
  const result = await api<{
    chains: Array<{ party: string; cosignatures: Array<{ witness: string; size: number }> }>;
  }>(node, `${node.party.toLowerCase()}-duty`, 'GET', '/api/v1/channels/intel/checkpoints');
  const own = result.body.chains.find((c) => c.party === node.party);
  return own?.cosignatures.some((c) => c.witness === witness && c.size >= size) ?? false;
}

async function pinnedFingerprint(at: PartyNode, party: string): Promise<string | undefined> {
  const peers = await api<{ peers: Array<{ party: string; fingerprint: string }> }>(
    at,
    'admin',
    'GET',
    '/api/v1/peers',
  );
  return peers.body.peers.find((p) => p.party === party)?.fingerprint;
}

describe('node key rotation', () => {
  const before = { ru: 0, us: 0 };

  it('exchanges entries before the rotation', async () => {
    before.ru = await send(ru, 'before the rotation (RU)');
    before.us = await send(us, 'before the rotation (US)');
    await eventually(
      async () => (await holds(us, 'RU', before.ru)) && (await holds(ru, 'US', before.us)),
      20_000,
      'entries before',
    );
  });

  it('rotates the stopped node key; the peer moves its pin and both keep exchanging and cosigning', async () => {
    const oldFingerprint = ru.fingerprint;
    // With US away, RU's node signs an entry under the old key (an administrator revokes a
    // person's key: the revocation is the node's) that it can only deliver after the rotation;
    // US must accept it, dated before the new key took over.
    await us.serve.stop();
    const revoked = runCli(
      ['user', 'revoke-key', 'ru-head', '--reason', 'before the rotation', '--json', '--url', ru.url],
      {
        PARLEY_TOKEN: ru.tokens.admin!,
      },
    );
    expect(revoked.status, revoked.stderr).toBe(0);
    const undelivered = (
      await api<{ entries: Array<{ seq: number; kind: string }> }>(
        ru,
        'ru-duty',
        'GET',
        '/api/v1/channels/intel/entries?limit=500',
      )
    ).body.entries.find((e) => e.kind === 'principal-key-revoke')!.seq;
    await ru.serve.stop();
    const rotated = runCli(['node-key', 'rotate', '--data-dir', ru.dataDir, '--json']);
    expect(rotated.status, rotated.stderr).toBe(0);
    const report = JSON.parse(rotated.stdout) as { previousFingerprint: string; fingerprint: string };
    expect(report.previousFingerprint).toBe(oldFingerprint);
    expect(report.fingerprint).not.toBe(oldFingerprint);
    // US learns of the rotation before RU is back (as it would from RU's first refused request),
    // so the entry signed under the old key reaches a peer that already pins the new one.
    await us.restart();
    const storage = SqliteStorage.open(databasePath(ru.dataDir));
    const rotations = await storage.listNodeKeyRotations();
    await storage.close();
    const shown = await fetch(`${us.url}/federation/v1/node-key-rotation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ party: 'RU', rotations }),
    });
    expect(shown.status, await shown.text()).toBe(200);
    expect(await pinnedFingerprint(us, 'RU')).toBe(report.fingerprint);
    await ru.restart();
    const identity = (await (await fetch(`${ru.url}/federation/v1/identity`)).json()) as {
      fingerprint: string;
    };
    expect(identity.fingerprint).toBe(report.fingerprint);

    const afterRu = await send(ru, 'after the rotation (RU)');
    const afterUs = await send(us, 'after the rotation (US)');
    await arrivedOrExplain(
      async () =>
        (await holds(us, 'RU', undelivered)) &&
        (await holds(us, 'RU', afterRu)) &&
        (await holds(ru, 'US', afterUs)),
      60_000,
      'entries after',
    );
    expect(await pinnedFingerprint(us, 'RU')).toBe(report.fingerprint);
    await eventually(
      async () => (await cosignedBy(ru, 'US', afterRu + 1)) && (await cosignedBy(us, 'RU', afterUs + 1)),
      // A witness cosigns on its own schedule, after the peer's restart and catch-up.
      60_000,
      'cosignatures after the rotation',
    );
    ru.fingerprint = report.fingerprint;
  });

  it('verifies on both nodes, entries signed before the rotation included', () => {
    for (const node of [ru, us]) {
      const verify = runCli(['verify', '--data-dir', node.dataDir, '--json']);
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, chains: 2 });
    }
  });

  it('refuses a rotation not signed by the pinned key, and keeps the pin', async () => {
    const pinned = await pinnedFingerprint(us, 'RU');
    const identity = (await (await fetch(`${ru.url}/federation/v1/identity`)).json()) as {
      nodePublicKey: string;
    };
    const forger = generateKeyPair();
    const next = generateKeyPair();
    const forge = (previousKey: string, signer: string) => {
      const at = Date.now();
      const text = rotationStatement({ party: 'RU', previousKey, newKey: next.publicKey, at });
      return {
        party: 'RU',
        previousKey,
        newKey: next.publicKey,
        at,
        previousSignature: signMessage(signer, ROTATION_DOMAIN, text),
        newSignature: signMessage(next.privateKey, ROTATION_DOMAIN, text),
      };
    };
    for (const rotation of [
      forge(forger.publicKey, forger.privateKey),
      forge(identity.nodePublicKey, forger.privateKey),
    ]) {
      const response = await fetch(`${us.url}/federation/v1/node-key-rotation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ party: 'RU', rotations: [rotation] }),
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
        'the pin stays',
      );
    }
    const malformed = await fetch(`${us.url}/federation/v1/node-key-rotation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ party: 'RU', rotations: [] }),
    });
    expect(malformed.status).toBe(400);
    expect(await pinnedFingerprint(us, 'RU')).toBe(pinned);
    const stillFlowing = await send(ru, 'after the forgery (RU)');
    await arrivedOrExplain(() => holds(us, 'RU', stillFlowing), 20_000, 'entries after the forgery');
  });
});
