/**
 * An honest node (RU) and a pinned hostile peer (XX) driven from the test process, for what the
 * chain rules alone do not catch: receipts and other references naming entries RU never wrote
 * (or a real one by a wrong hash, or one written later), two different entries for one position
 * inside a single push, and a captured request replayed after RU's process restarted. Each is
 * refused with a clear 4xx and leaves RU's store as it was (fork evidence aside).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../src/core/hlc.js';
import { generateKeyPair } from '../src/core/keys.js';
import { databasePath } from '../src/node/data-dir.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { HostilePeer, type Answer } from './support/hostile-peer.js';
import { api, eventually, startParty, type PartyNode } from './support/node-process.js';

const CHANNEL = 'hostile';
let ru: PartyNode;
let xx: HostilePeer;
/** XX's stored chain so far: hash of each entry. */
const xxChain: string[] = [];
const xxHead = generateKeyPair();
/** A note RU wrote in the channel, which XX's receipts may name. */
let ruNote: { seq: number; hash: string; hlc: string };
let lastWall = 0;

function openRu(): SqliteStorage {
  return SqliteStorage.open(databasePath(ru.dataDir), { readonly: true });
}

async function snapshot(): Promise<string> {
  const storage = openRu();
  try {
    const head = await storage.getChainHead(CHANNEL, 'XX');
    return `XX ${head?.size} ${head?.hash} forks ${(await storage.listForks()).length}`;
  } finally {
    await storage.close();
  }
}

/** A timestamp after every earlier one of XX's chain (its clock never runs backwards). */
function nextHlc(): string {
  lastWall = Math.max(Date.now(), lastWall + 1);
  return formatHlc({ wall: lastWall, counter: 0 });
}

/** XX's next entry, by its node or (with `principal`) by its head. */
function nextXxEntry(
  kind: string,
  body: Record<string, unknown>,
  options: { principal?: boolean; hlc?: string; seq?: number } = {},
) {
  const seq = options.seq ?? xxChain.length;
  return xx.entry(CHANNEL, {
    seq,
    prev: xxChain[seq - 1] ?? null,
    kind,
    body: body as never,
    hlc: options.hlc ?? nextHlc(),
    ...(options.principal
      ? { author: 'xx-head', authorKey: xxHead.publicKey, signingKey: xxHead.privateKey }
      : {}),
  });
}

async function expectRefused(attempt: () => Promise<Answer>, status: number, code: string, reason?: string) {
  const before = await snapshot();
  const answer = await attempt();
  expect({ status: answer.status, code: answer.code }, answer.message).toEqual({ status, code });
  if (reason) expect(answer.message).toContain(reason);
  expect(await snapshot()).toBe(before);
}

beforeAll(async () => {
  ru = await startParty('RU');
  xx = new HostilePeer('XX', ru.url, 'RU');
  const storage = SqliteStorage.open(databasePath(ru.dataDir), { readonly: false });
  try {
    await storage.putPeer({
      party: 'XX',
      name: 'Hostile party XX',
      url: 'http://127.0.0.1:9',
      nodePublicKey: xx.key.publicKey,
      addedAt: Date.now(),
    });
  } finally {
    await storage.close();
  }
  const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id: CHANNEL,
    name: 'Talks with XX',
    offices: ['ru-ops'],
    peers: { XX: ['xx-ops'] },
    languages: ['en'],
  });
  expect(created.status).toBe(201);
  const reader = openRu();
  const charter = (await reader.getEntry(CHANNEL, 'RU', 0))!;
  await reader.close();
  const accept = nextXxEntry('charter-accept', {
    charter: { party: 'RU', hash: charter.hash },
    nodeKey: xx.key.publicKey,
  });
  xxChain.push(accept.hash);
  const key = nextXxEntry('principal-key', {
    principal: 'xx-head',
    office: 'xx-ops',
    role: 'head',
    title: 'Head',
    publicKey: xxHead.publicKey,
  });
  xxChain.push(key.hash);
  const started = await xx.push([HostilePeer.wire(accept), HostilePeer.wire(key)]);
  expect(started, started.message).toMatchObject({ status: 200, body: { held: { [CHANNEL]: 2 } } });
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', `/api/v1/channels/${CHANNEL}`)).body.state ===
      'active',
    10_000,
    'hostile channel active',
  );
  const note = await api<{ id: string; hash: string; hlc: string }>(
    ru,
    'ru-duty',
    'POST',
    `/api/v1/channels/${CHANNEL}/entries`,
    { kind: 'note', lang: 'en', body: { text: 'Please confirm' } },
  );
  expect(note.status).toBe(201);
  ruNote = { seq: Number(note.body.id.split('/').at(-1)), hash: note.body.hash, hlc: note.body.hlc };
  // XX's later entries are dated after RU's note.
  lastWall = Math.max(lastWall, Date.parse(ruNote.hlc.slice(0, 24)) + 1);
});

afterAll(async () => {
  await ru?.serve.stop();
});

describe('a hostile pinned peer, beyond the chain rules', () => {
  it('cannot store receipts for entries RU has not written, or names by a wrong hash', async () => {
    const fakeHash = 'ab'.repeat(32);
    const receipt = (of: Record<string, unknown>, hlc?: string) =>
      nextXxEntry('receipt', { of, level: 'understood' }, { principal: true, ...(hlc ? { hlc } : {}) });
    const refused = (entry: ReturnType<typeof receipt>, reason: string) =>
      expectRefused(() => xx.push([HostilePeer.wire(entry)]), 422, 'entry_invalid', reason);

    await refused(receipt({ party: 'RU', seq: ruNote.seq + 50, hash: fakeHash }), 'reference_unknown');
    await refused(receipt({ party: 'RU', seq: ruNote.seq, hash: fakeHash }), 'reference_unknown');
    // Dated before the note it claims to have understood.
    await refused(
      receipt({ party: 'RU', seq: ruNote.seq, hash: ruNote.hash }, '2020-01-01T00:00:00.000Z/000000'),
      'written after it',
    );
    // A delivery receipt far past RU's chain would mark every later entry delivered.
    await refused(
      nextXxEntry('received', { of: { party: 'RU', seq: 1_000_000, hash: ruNote.hash } }),
      'reference_unknown',
    );
    // Naming an entry of its own chain that does not come before it.
    await refused(receipt({ party: 'XX', seq: xxChain.length, hash: fakeHash }), 'reference_unknown');
    // A party of no chain here.
    await refused(receipt({ party: 'ZZ', seq: 0, hash: fakeHash }), 'reference_unknown');

    // The real note by its hash, understood and received: accepted.
    const understood = receipt({ party: 'RU', seq: ruNote.seq, hash: ruNote.hash });
    xxChain.push(understood.hash);
    const received = nextXxEntry('received', { of: { party: 'RU', seq: ruNote.seq, hash: ruNote.hash } });
    xxChain.push(received.hash);
    const ok = await xx.push([HostilePeer.wire(understood), HostilePeer.wire(received)]);
    expect(ok, ok.message).toMatchObject({ status: 200, body: { held: { [CHANNEL]: xxChain.length } } });
    const delivery = await api<{ parties: Array<{ party: string; state: string }> }>(
      ru,
      'ru-duty',
      'GET',
      `/api/v1/channels/${CHANNEL}/entries/RU/${ruNote.seq}/delivery`,
    );
    expect(delivery.body.parties).toEqual([expect.objectContaining({ party: 'XX', state: 'understood' })]);
  });

  it('keeps evidence of two entries for one position inside a single push, and refuses the push', async () => {
    const storage = openRu();
    const forksBefore = (await storage.listForks()).length;
    await storage.close();
    const seq = xxChain.length;
    const one = nextXxEntry('note', { text: 'one version' }, { principal: true, seq });
    const other = nextXxEntry('note', { text: 'another version' }, { principal: true, seq });
    const before = (await snapshot()).replace(/forks \d+/, '');
    const answer = await xx.push([HostilePeer.wire(one), HostilePeer.wire(other)]);
    expect({ status: answer.status, code: answer.code }, answer.message).toEqual({
      status: 409,
      code: 'fork_detected',
    });
    expect((await snapshot()).replace(/forks \d+/, '')).toBe(before);
    const after = openRu();
    try {
      const forks = await after.listForks();
      expect(forks).toHaveLength(forksBefore + 2);
      expect(forks.slice(-2)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ seq, storedHash: one.hash, conflictingCanonical: other.canonical }),
          expect.objectContaining({ seq, storedHash: other.hash, conflictingCanonical: one.canonical }),
        ]),
      );
    } finally {
      await after.close();
    }

    // The same entry twice in one push is a harmless repeat.
    xxChain.push(one.hash);
    const twice = await xx.push([HostilePeer.wire(one), HostilePeer.wire(one)]);
    expect(twice, twice.message).toMatchObject({
      status: 200,
      body: { held: { [CHANNEL]: xxChain.length } },
    });
  });

  it('cannot replay a request it captured before the node restarted', async () => {
    const captured = xx.sign({ entries: [], checkpoints: [] });
    expect((await HostilePeer.deliver(captured)).status).toBe(200);
    await ru.serve.stop();
    await ru.restart();
    const replayed = await HostilePeer.deliver(captured);
    expect({ status: replayed.status, code: replayed.code }, replayed.message).toEqual({
      status: 401,
      code: 'request_expired',
    });
    expect(replayed.message).toContain('before this node started');
    // A request signed now is accepted.
    expect((await xx.send({ entries: [], checkpoints: [] })).status).toBe(200);
  });
});
