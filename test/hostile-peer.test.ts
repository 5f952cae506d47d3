/**
 * An honest node (RU) federating with an honest peer (US) and a pinned but hostile peer (XX)
 * driven from the test process. XX sends forged, foreign, unauthorised, forked, replayed, stale,
 * misdirected, malformed, oversize and far-future input, and floods the node. Every attempt must
 * be refused with a clear 4xx code, leave nothing of itself in RU's store (fork evidence aside),
 * be logged, and leave the honest RU↔US channel working.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signChainCheckpoint } from '../src/core/chain-checkpoint.js';
import { generateKeyPair } from '../src/core/keys.js';
import { databasePath } from '../src/node/data-dir.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { HostilePeer, type Answer } from './support/hostile-peer.js';
import {
  api,
  eventually,
  openChannel,
  peerUp,
  runCli,
  startParty,
  METRICS_AUTH,
  type PartyNode,
} from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;
let xx: HostilePeer;
/** A second pinned hostile peer, used only for the flood (so its rate-limit window starts fresh). */
let xy: HostilePeer;
/** Hash of RU's charter of `hostile` (RU seq 0), which XX's acceptance names. */
let charterHash: string;
/** XX's stored chain so far: hash of each entry. */
const xxChain: string[] = [];

const CHANNEL = 'hostile';
const FLOOD_LIMIT = 500;
/** XX's principal whose key XX publishes properly. */
const xxHead = generateKeyPair();

function openRu(readonly = true): SqliteStorage {
  return SqliteStorage.open(databasePath(ru.dataDir), { readonly });
}

/** Everything of RU's store that a hostile batch could change. */
async function snapshot(): Promise<string> {
  const storage = openRu();
  try {
    const lines: string[] = [];
    for (const channel of await storage.listChannels()) {
      lines.push(`channel ${channel.id} ${channel.state}`);
      for (const head of await storage.listChainHeads(channel.id)) {
        // RU's and US's own chains in the honest channel move with honest traffic (receipts).
        if (channel.id === 'intel' && head.party !== 'XX') continue;
        lines.push(`head ${channel.id}/${head.party} ${head.size} ${head.hash} ${head.checkpoint}`);
      }
    }
    lines.push(`forks ${(await storage.listForks()).length}`);
    const peer = await storage.getPeer('XX');
    lines.push(`peer ${peer?.nodePublicKey}`);
    return lines.join('\n');
  } finally {
    await storage.close();
  }
}

/** Waits for RU's log to show a refusal line with `message` and `detail` after `mark`. */
async function expectLogged(mark: number, message: string, detail: string): Promise<void> {
  await eventually(
    async () =>
      ru.serve
        .output()
        .slice(mark)
        .split('\n')
        .some((line) => line.includes(`"msg":"${message}"`) && line.includes(detail)),
    5000,
    `log line '${message}' with ${detail}`,
  );
}

/**
 * Runs an attempt and checks it is refused with `status`/`code` (and `reason` in the message),
 * that RU's store is unchanged and that the refusal was logged.
 */
async function expectRefused(
  attempt: () => Promise<Answer>,
  status: number,
  code: string,
  log: 'federation request refused' | 'federation batch refused',
  reason?: string,
  logged = `"code":"${code}"`,
): Promise<Answer> {
  const before = await snapshot();
  const mark = ru.serve.output().length;
  const answer = await attempt();
  expect({ status: answer.status, code: answer.code }, answer.message).toEqual({ status, code });
  if (reason) expect(answer.message).toContain(reason);
  await expectLogged(mark, log, logged);
  expect(await snapshot()).toBe(before);
  return answer;
}

/** XX's next valid entry (node-authored unless a principal is given). */
function nextXxEntry(kind: string, body: Record<string, unknown>, principal?: string) {
  return xx.entry(CHANNEL, {
    seq: xxChain.length,
    prev: xxChain.at(-1) ?? null,
    kind,
    body: body as never,
    ...(principal ? { author: principal, authorKey: xxHead.publicKey, signingKey: xxHead.privateKey } : {}),
  });
}

interface Entry {
  id: string;
  hash: string;
  hlc?: string;
}

/** Posts a note on `from` in the honest channel and waits until `to` holds it. */
async function honestNoteArrives(from: PartyNode, to: PartyNode, text: string, timeoutMs = 20_000) {
  const lower = from.party.toLowerCase();
  const sent = await api<Entry>(from, `${lower}-duty`, 'POST', '/api/v1/channels/intel/entries', {
    kind: 'note',
    lang: 'en',
    body: { text },
  });
  expect(sent.status).toBe(201);
  const reader = `${to.party.toLowerCase()}-duty`;
  await eventually(
    async () => {
      const page = await api<{ entries: Entry[] }>(
        to,
        reader,
        'GET',
        `/api/v1/channels/intel/entries?limit=1000`,
      );
      return page.body.entries.some((e) => e.id === sent.body.id);
    },
    timeoutMs,
    `${from.party} note at ${to.party}`,
  );
  return sent.body;
}

/**
 * Sends up to `count` requests, 32 at a time, and counts the answers by status; with
 * `untilLimited`, stops once one is answered 429.
 */
async function flood(
  count: number,
  make: () => Promise<Answer>,
  untilLimited = false,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count && !(untilLimited && statuses.has(429))) {
        next += 1;
        const { status } = await make();
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

beforeAll(async () => {
  // A lower federation rate limit at RU, so the flood test needs few enough requests to land in
  // one window even on a slow, shared machine.
  [ru, us] = await Promise.all([
    startParty('RU', { PARLEY_FEDERATION_MAX_REQUESTS: String(FLOOD_LIMIT) }),
    startParty('US'),
  ]);
  peerUp(ru, us);
  xx = new HostilePeer('XX', ru.url, 'RU');
  xy = new HostilePeer('XY', ru.url, 'RU');
  const storage = openRu(false);
  try {
    // Pinned as an operator would after comparing fingerprints; nothing listens at their URL.
    for (const peer of [xx, xy]) {
      await storage.putPeer({
        party: peer.party,
        name: `Hostile party ${peer.party}`,
        url: 'http://127.0.0.1:9',
        nodePublicKey: peer.key.publicKey,
        addedAt: Date.now(),
      });
    }
  } finally {
    await storage.close();
  }

  // The honest channel, accepted by US.
  await openChannel(ru, us, { languages: ['en'] });

  // The channel RU shares with XX.
  const hostile = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id: CHANNEL,
    name: 'Talks with XX',
    offices: ['ru-ops'],
    peers: { XX: ['xx-ops'] },
    languages: ['en'],
  });
  expect(hostile.status).toBe(201);
  const reader = openRu();
  try {
    charterHash = (await reader.getEntry(CHANNEL, 'RU', 0))!.hash;
  } finally {
    await reader.close();
  }
});

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
});

describe('a hostile pinned peer', () => {
  it('cannot forge request signatures, not even naming another peer as sender', async () => {
    const batch = { entries: [], checkpoints: [] };
    await expectRefused(
      () => xx.send(batch, { key: generateKeyPair() }),
      401,
      'request_signature_invalid',
      'federation request refused',
    );
    // Signed with XX's real key but claiming to come from US.
    await expectRefused(
      () => xx.send(batch, { from: 'US' }),
      401,
      'request_signature_invalid',
      'federation request refused',
    );
    // Unknown sender.
    await expectRefused(
      () => xx.send(batch, { from: 'ZZ' }),
      401,
      'peer_unknown',
      'federation request refused',
    );
  });

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
    const accept = nextXxEntry('charter-accept', {
      charter: { party: 'RU', hash: charterHash },
      nodeKey: xx.key.publicKey,
    });
    const ok = await xx.push([HostilePeer.wire(accept)]);
    expect(ok, ok.message).toMatchObject({ status: 200, body: { held: { [CHANNEL]: 1 } } });
    xxChain.push(accept.hash);
    await eventually(
      async () =>
        (await api<{ state: string }>(ru, 'admin', 'GET', `/api/v1/channels/${CHANNEL}`)).body.state ===
        'active',
      5000,
      'hostile channel active',
    );

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

  it('cannot replay a request; re-sending a stored entry changes nothing', async () => {
    const request = xx.sign({ entries: [], checkpoints: [] });
    expect((await HostilePeer.deliver(request)).status).toBe(200);
    await expectRefused(
      () => HostilePeer.deliver(request),
      401,
      'request_replayed',
      'federation request refused',
    );

    // The stored entries, byte for byte, in a fresh request: idempotent.
    const storage = openRu();
    const stored = await storage.readChain(CHANNEL, 'XX', 0, 100);
    await storage.close();
    const before = await snapshot();
    const again = await xx.push(
      stored.map((e) => ({
        channel: e.channel,
        party: e.party,
        seq: e.seq,
        canonical: e.canonical,
        sig: e.sig,
      })),
    );
    expect(again, again.message).toMatchObject({
      status: 200,
      body: { held: { [CHANNEL]: xxChain.length } },
    });
    expect(await snapshot()).toBe(before);
  });

  it('cannot send stale, future-dated or misdirected requests', async () => {
    const batch = { entries: [], checkpoints: [] };
    await expectRefused(
      () => xx.send(batch, { now: Date.now() - 10 * 60_000 }),
      401,
      'request_expired',
      'federation request refused',
    );
    await expectRefused(
      () => xx.send(batch, { now: Date.now() + 10 * 60_000 }),
      401,
      'request_expired',
      'federation request refused',
    );
    await expectRefused(
      () => xx.send(batch, { to: 'US' }),
      401,
      'request_misdirected',
      'federation request refused',
    );
  });

  it('cannot get malformed, mistyped or oversize batches past the edge', async () => {
    // Refused by the parser, the size limit or the schema, before the receiver sees anything.
    const edge = (body: unknown, status: number, code: string, contentType?: string) =>
      expectRefused(
        () => xx.send(body, contentType ? { contentType } : {}),
        status,
        code,
        'federation request refused',
        undefined,
        `"status":${status}`,
      );
    await edge('{"entries": [', 400, 'malformed_json');
    await edge('', 400, 'malformed_json');
    await edge('{"entries":[],"checkpoints":[]}', 415, 'unsupported_media_type', 'text/plain');
    const wire = { channel: CHANNEL, party: 'XX', seq: 99, canonical: '{}', sig: 'x' };
    const invalid: unknown[] = [
      { entries: [] },
      { entries: {}, checkpoints: [] },
      { entries: [{ ...wire, seq: '99' }], checkpoints: [] },
      { entries: [{ ...wire, seq: -1 }], checkpoints: [] },
      { entries: [{ ...wire, seq: 1.5 }], checkpoints: [] },
      { entries: [{ ...wire, party: 'xx' }], checkpoints: [] },
      { entries: [{ ...wire, channel: '../etc' }], checkpoints: [] },
      { entries: [{ ...wire, extra: true }], checkpoints: [] },
      { entries: [], checkpoints: [], extra: 1 },
      { entries: [{ ...wire, canonical: 'x'.repeat(300_001) }], checkpoints: [] },
      { entries: [], checkpoints: [{ channel: CHANNEL, party: 'XX', note: 5 }] },
      [],
      null,
      '"a string"',
      // More entries than a batch may hold.
      { entries: Array.from({ length: 2001 }, (_, i) => ({ ...wire, seq: i })), checkpoints: [] },
    ];
    for (const body of invalid) await edge(body, 400, 'validation_failed');
    // Over the 32 MiB federation body limit. The node refuses on the declared length before reading
    // the body, so only the headers are sent first (the body follows only if no answer comes):
    // sending 33 MiB into a connection the node has already answered and closed would fail with
    // EPIPE on this side and hide the answer.
    const oversize = xx.sign(
      JSON.stringify({ entries: [], checkpoints: [], pad: 'x'.repeat(33 * 1024 * 1024) }),
    );
    const before = await snapshot();
    const answer = await new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
      const req = httpRequest(
        oversize.url,
        {
          method: 'POST',
          headers: { ...oversize.headers, 'content-length': String(Buffer.byteLength(oversize.body)) },
        },
        (res) => {
          clearTimeout(fallback);
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => {
            req.destroy();
            resolve({
              status: res.statusCode ?? 0,
              code: (JSON.parse(text) as { error?: { code?: string } }).error?.code,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', () => {}); // the node hangs up after answering
      req.flushHeaders();
      const fallback = setTimeout(() => req.end(oversize.body), 5000);
    });
    expect(answer).toEqual({ status: 413, code: 'payload_too_large' });
    expect(await snapshot()).toEqual(before);
  });

  it('is told to slow down when it floods, while other peers and the honest channel keep working', async () => {
    const empty = { entries: [], checkpoints: [] };
    // Forged requests naming XY as their sender are refused and must not use up XY's allowance.
    const spoofed = await flood(FLOOD_LIMIT + 100, () => xx.send(empty, { from: 'XY' }));
    expect(Object.fromEntries(spoofed)).toEqual({ 401: FLOOD_LIMIT + 100 });

    // XY's own flood: a full allowance, then 429 with Retry-After, never a 5xx.
    const mark = ru.serve.output().length;
    const own = await flood(FLOOD_LIMIT * 2, () => xy.send(empty), true);
    expect(own.get(200) ?? 0).toBeGreaterThanOrEqual(FLOOD_LIMIT);
    expect(own.get(429) ?? 0).toBeGreaterThan(0);
    expect([...own.keys()].sort()).toEqual([200, 429]);
    const limited = await xy.send(empty);
    expect({ status: limited.status, code: limited.code }).toEqual({
      status: 429,
      code: 'too_many_requests',
    });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    await expectLogged(mark, 'federation request refused', '"code":"too_many_requests"');

    // While XY is limited, another peer is not, and both directions of the honest channel work.
    expect((await xx.send(empty)).status).toBe(200);
    await honestNoteArrives(us, ru, 'during the flood', 5000);
    await honestNoteArrives(ru, us, 'during the flood, the other way', 5000);
  });

  it('is caught signing a checkpoint its own entries contradict: evidence kept, alert raised, verify fails', async () => {
    const reader = openRu();
    const head = (await reader.getChainHead(CHANNEL, 'XX'))!;
    await reader.close();
    const lie = signChainCheckpoint(CHANNEL, 'XX', head.size, Buffer.alloc(32, 7), xx.key.privateKey);
    const answer = await xx.send({
      entries: [],
      checkpoints: [{ channel: CHANNEL, party: 'XX', note: lie }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body?.cosigned).toEqual([]);

    const alerts = await api<{ equivocations: Array<{ channel: string; party: string; noteA: string }> }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/alerts',
    );
    expect(alerts.body.equivocations).toEqual([
      expect.objectContaining({ channel: CHANNEL, party: 'XX', noteA: lie }),
    ]);
    const metrics = await fetch(`${ru.url}/metrics`, { headers: METRICS_AUTH }).then((r) => r.text());
    expect(metrics).toMatch(/^parley_equivocations 1$/m);
    const verify = runCli(['verify', '--data-dir', ru.dataDir, '--json']);
    expect(verify.status).toBe(1);
    expect(JSON.parse(verify.stdout).failures).toContainEqual(
      expect.objectContaining({ entry: `${CHANNEL}/XX`, rule: 'equivocation_detected' }),
    );
  });
});
