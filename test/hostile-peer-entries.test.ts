// A hostile peer's entries refused: bad signatures, foreign chains, unknown or revoked keys, clocks, forks.
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/core/hash.js';
import { formatHlc } from '../src/core/hlc.js';
import { generateKeyPair } from '../src/core/keys.js';
import type { WireEntry } from '../src/federation/wire.js';
import { HostilePeer, type DraftEntry } from './support/hostile-peer.js';
import { CHANNEL, useHostileScene } from './support/hostile-scene.js';
import { runCli, type PartyNode } from './support/node-process.js';

const scene = useHostileScene();
const {
  xxChain,
  xxHead,
  openRu,
  snapshot,
  expectLogged,
  expectRefused,
  nextXxEntry,
  honestNoteArrives,
  acceptCharter,
} = scene;
let ru: PartyNode;
let us: PartyNode;
let xx: HostilePeer;
let charterHash: string;
beforeAll(() => void ({ ru, us, xx, charterHash } = scene));

describe('a hostile pinned peer', () => {
  it('cannot store an entry whose entry signature is wrong', async () => {
    const accept = nextXxEntry('charter-accept', {
      charter: { party: 'RU', hash: charterHash },
      nodeKey: xx.key.publicKey,
    });
    const otherKey = generateKeyPair();
    const forged = xx.entry(CHANNEL, {
      seq: 0,
      prev: null,
      kind: 'charter-accept',
      body: { charter: { party: 'RU', hash: charterHash }, nodeKey: xx.key.publicKey },
      signingKey: otherKey.privateKey,
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(forged)]),
      422,
      'entry_invalid',
      'federation batch refused',
      'signature_invalid',
    );
    // A valid signature over different bytes.
    await expectRefused(
      () => xx.push([{ ...HostilePeer.wire(accept), sig: HostilePeer.wire(forged).sig }]),
      422,
      'entry_invalid',
      'federation batch refused',
      'signature_invalid',
    );
    // Canonical text edited after signing.
    await expectRefused(
      () =>
        xx.push([
          { ...HostilePeer.wire(accept), canonical: accept.canonical.replace('"lang":"en"', '"lang":"ru"') },
        ]),
      422,
      'entry_invalid',
      'federation batch refused',
      'signature_invalid',
    );
    // A forged entry, then the genuine one at the same position: the forged one is caught.
    await expectRefused(
      () => xx.push([HostilePeer.wire(forged), HostilePeer.wire(accept)]),
      422,
      'entry_invalid',
      'federation batch refused',
      'signature_invalid',
    );
  });

  it("cannot write into another party's chain or a channel it is not part of", async () => {
    const ruEntry = xx.entry(CHANNEL, {
      seq: 1,
      prev: charterHash,
      kind: 'note',
      body: { text: 'as RU' },
      party: 'RU',
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(ruEntry)]),
      403,
      'wrong_chain',
      'federation batch refused',
    );
    const usEntry = xx.entry('intel', {
      seq: 5,
      prev: null,
      kind: 'note',
      body: { text: 'as US' },
      party: 'US',
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(usEntry)]),
      403,
      'wrong_chain',
      'federation batch refused',
    );
    // Its own chain, but in the RU–US channel.
    const intrude = xx.entry('intel', {
      seq: 0,
      prev: null,
      kind: 'charter-accept',
      body: { charter: { party: 'RU', hash: charterHash }, nodeKey: xx.key.publicKey },
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(intrude)]),
      403,
      'wrong_chain',
      'federation batch refused',
    );
  });

  it('starts its chain with a valid acceptance, then cannot sign as principals it never published', async () => {
    const accept = await acceptCharter();

    // A note by a principal whose key XX never published in this chain.
    const note = nextXxEntry('note', { text: 'signed by an unknown key' }, 'xx-head');
    await expectRefused(
      () => xx.push([HostilePeer.wire(note)]),
      422,
      'entry_invalid',
      'federation batch refused',
      'author_key_unknown',
    );
    // A key publication (node-authored kind) signed by that principal instead of the node.
    const selfPublished = xx.entry(CHANNEL, {
      seq: 1,
      prev: accept.hash,
      kind: 'principal-key',
      body: {
        principal: 'xx-head',
        office: 'xx-ops',
        role: 'head',
        title: 'Head',
        publicKey: xxHead.publicKey,
      },
      author: 'node',
      authorKey: xxHead.publicKey,
      signingKey: xxHead.privateKey,
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(selfPublished), HostilePeer.wire(note, { seq: 2 })]),
      422,
      'entry_invalid',
      'federation batch refused',
      'author_key_unknown',
    );

    // Properly published, the same principal's note is accepted: the refusals were about keys.
    const published = nextXxEntry('principal-key', {
      principal: 'xx-head',
      office: 'xx-ops',
      role: 'head',
      title: 'Head',
      publicKey: xxHead.publicKey,
    });
    xxChain.push(published.hash);
    const good = nextXxEntry('note', { text: 'properly signed' }, 'xx-head');
    xxChain.push(good.hash);
    const stored = await xx.push([HostilePeer.wire(published), HostilePeer.wire(good)]);
    expect(stored, stored.message).toMatchObject({ status: 200, body: { held: { [CHANNEL]: 3 } } });
  });

  it('cannot slip one bad entry into a batch large enough to be checked in parallel', async () => {
    // 250 notes by the head XX published: the receiver checks their signatures on its worker
    // pool first (federation/receive-entries.ts), then every rule in order.
    const stranger = generateKeyPair();
    const wall = Date.now();
    const batch = (change: (i: number) => Partial<DraftEntry> = () => ({})) => {
      const entries: WireEntry[] = [];
      let prev = xxChain.at(-1)!;
      for (let i = 0; i < 250; i += 1) {
        const seq = xxChain.length + i;
        const entry = xx.entry(CHANNEL, {
          seq,
          prev,
          kind: 'note',
          body: { text: `bulk note ${i}` } as never,
          hlc: formatHlc({ wall, counter: i }),
          author: 'xx-head',
          authorKey: xxHead.publicKey,
          signingKey: xxHead.privateKey,
          ...change(i),
        });
        entries.push(HostilePeer.wire(entry));
        prev = entry.hash;
      }
      return entries;
    };
    const good = batch();
    const refused = (entries: WireEntry[], reason: string) =>
      expectRefused(() => xx.push(entries), 422, 'entry_invalid', 'federation batch refused', reason);
    // Signed by another key than the one it names.
    await refused(
      batch((i) => (i === 180 ? { signingKey: stranger.privateKey } : {})),
      'signature_invalid',
    );
    // A valid signature of another entry of the batch.
    await refused(
      good.map((wire, i) => (i === 120 ? { ...wire, sig: good[121]!.sig } : wire)),
      'signature_invalid',
    );
    // Signed properly, by a key this chain never published for xx-head.
    await refused(
      batch((i) => (i === 100 ? { authorKey: stranger.publicKey, signingKey: stranger.privateKey } : {})),
      'author_key_unknown',
    );
    const stored = await xx.push(good);
    expect(stored, stored.message).toMatchObject({
      status: 200,
      body: { held: { [CHANNEL]: xxChain.length + good.length } },
    });
    for (const wire of good) xxChain.push(sha256Hex(wire.canonical));
  });

  it('cannot sign with a key its chain revoked, nor publish that key again; what it signed before stays', async () => {
    const envoy = generateKeyPair();
    const publication = {
      principal: 'xx-envoy',
      office: 'xx-ops',
      role: 'member',
      title: 'Envoy',
      publicKey: envoy.publicKey,
    };
    const byEnvoy = (text: string) =>
      xx.entry(CHANNEL, {
        seq: xxChain.length,
        prev: xxChain.at(-1)!,
        kind: 'note',
        body: { text } as never,
        author: 'xx-envoy',
        authorKey: envoy.publicKey,
        signingKey: envoy.privateKey,
      });
    const published = nextXxEntry('principal-key', publication);
    xxChain.push(published.hash);
    const before = byEnvoy('signed before the revocation');
    xxChain.push(before.hash);
    const revoked = nextXxEntry('principal-key-revoke', {
      principal: 'xx-envoy',
      publicKey: envoy.publicKey,
      reason: 'device lost',
      replacedBy: null,
    });
    xxChain.push(revoked.hash);
    const stored = await xx.push([published, before, revoked].map((entry) => HostilePeer.wire(entry)));
    expect(stored, stored.message).toMatchObject({
      status: 200,
      body: { held: { [CHANNEL]: xxChain.length } },
    });

    await expectRefused(
      () => xx.push([HostilePeer.wire(byEnvoy('signed after the revocation'))]),
      422,
      'entry_invalid',
      'federation batch refused',
      `key_revoked: key of 'xx-envoy' was revoked at ${CHANNEL}/XX/${xxChain.length - 1}`,
    );
    await expectRefused(
      () => xx.push([HostilePeer.wire(nextXxEntry('principal-key', publication))]),
      422,
      'entry_invalid',
      'federation batch refused',
      'cannot be published again',
    );
    // The entry signed before the revocation is still held, and the stored chain verifies.
    const reader = openRu();
    try {
      const kept = await reader.getEntry(CHANNEL, 'XX', xxChain.length - 2);
      expect(kept?.hash).toBe(before.hash);
    } finally {
      await reader.close();
    }
    const verify = runCli(['verify', '--data-dir', ru.dataDir, '--json']);
    expect(JSON.parse(verify.stdout).failures, verify.stdout).toEqual([]);
  });

  it('cannot move the honest clock: entries timestamped far in the future are refused', async () => {
    const future = xx.entry(CHANNEL, {
      seq: xxChain.length,
      prev: xxChain.at(-1)!,
      kind: 'note',
      body: { text: 'from the year 9999' },
      author: 'xx-head',
      authorKey: xxHead.publicKey,
      signingKey: xxHead.privateKey,
      hlc: '9999-12-31T23:59:59.999Z/999999',
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(future)]),
      422,
      'entry_invalid',
      'federation batch refused',
      'hlc',
    );
    // RU still stamps its own entries with the present, and they still verify at US.
    const sent = await honestNoteArrives(ru, us, 'clock check');
    const year = new Date().getUTCFullYear();
    expect(Number(sent.hlc!.slice(0, 4))).toBeLessThanOrEqual(year + 1);
  });

  it('cannot claim to have seen what was never written, was written later, or its own chain', async () => {
    const claiming = (seen: Record<string, number>, hlc?: string) =>
      xx.entry(CHANNEL, {
        seq: xxChain.length,
        prev: xxChain.at(-1)!,
        kind: 'note',
        body: { text: 'I saw it' },
        author: 'xx-head',
        authorKey: xxHead.publicKey,
        signingKey: xxHead.privateKey,
        seen,
        ...(hlc ? { hlc } : {}),
      });
    const refused = (seen: Record<string, number>, reason: string, hlc?: string) =>
      expectRefused(
        () => xx.push([HostilePeer.wire(claiming(seen, hlc))]),
        422,
        'entry_invalid',
        'federation batch refused',
        reason,
      );
    await refused({ RU: 100_000 }, 'seen_invalid: names RU/100000, which RU has not written');
    // RU's charter (RU/0) was written today: an entry dated 2020 cannot have seen it.
    await refused({ RU: 0 }, 'seen_invalid: names RU/0, written after it', '2020-01-01T00:00:00.000Z/000000');
    await refused({ XX: 0 }, 'seen_invalid');
    await refused({ ZZ: 0 }, 'seen_invalid: ZZ writes no chain');
    // Seeing what RU did write, before, is accepted.
    const honest = claiming({ RU: 0 });
    const stored = await xx.push([HostilePeer.wire(honest)]);
    expect(stored, stored.message).toMatchObject({ status: 200 });
    xxChain.push(honest.hash);
  });

  it('keeps evidence of a fork and refuses it, but keeps no fabricated evidence', async () => {
    const forkStorage = openRu();
    const forksBefore = (await forkStorage.listForks()).length;
    await forkStorage.close();
    const fork = xx.entry(CHANNEL, {
      seq: 0,
      prev: null,
      kind: 'charter-accept',
      body: { charter: { party: 'RU', hash: charterHash }, nodeKey: xx.key.publicKey },
      hlc: '2020-01-01T00:00:00.000Z/000000',
    });
    const headsBefore = await snapshot();
    const mark = ru.serve.output().length;
    const answer = await xx.push([HostilePeer.wire(fork)]);
    expect({ status: answer.status, code: answer.code }).toEqual({ status: 409, code: 'fork_detected' });
    await expectLogged(mark, 'federation batch refused', '"code":"fork_detected"');
    const storage = openRu();
    try {
      const forks = await storage.listForks();
      expect(forks).toHaveLength(forksBefore + 1);
      expect(forks.at(-1)).toMatchObject({
        channel: CHANNEL,
        party: 'XX',
        seq: 0,
        storedHash: xxChain[0],
        conflictingCanonical: fork.canonical,
        conflictingSig: fork.sig,
        reportedBy: 'XX',
      });
      expect((await storage.getChainHead(CHANNEL, 'XX'))!.size).toBe(xxChain.length);
      expect((await storage.getEntry(CHANNEL, 'XX', 0))!.hash).toBe(xxChain[0]);
    } finally {
      await storage.close();
    }
    expect((await snapshot()).replace(/forks \d+/, '')).toBe(headsBefore.replace(/forks \d+/, ''));

    // "Evidence" that is no evidence: an entry of another position, or signed by a key XX never
    // stood behind, must not be recorded as a fork of seq 0.
    const elsewhere = xx.entry(CHANNEL, {
      seq: 7,
      prev: null,
      kind: 'charter-accept',
      body: { charter: { party: 'RU', hash: charterHash }, nodeKey: xx.key.publicKey },
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(elsewhere, { seq: 0 })]),
      422,
      'entry_invalid',
      'federation batch refused',
    );
    const stranger = generateKeyPair();
    const unbacked = xx.entry(CHANNEL, {
      seq: 0,
      prev: null,
      kind: 'charter-accept',
      body: { charter: { party: 'RU', hash: charterHash }, nodeKey: stranger.publicKey },
      authorKey: stranger.publicKey,
      signingKey: stranger.privateKey,
    });
    await expectRefused(
      () => xx.push([HostilePeer.wire(unbacked)]),
      422,
      'entry_invalid',
      'federation batch refused',
    );
  });
});
