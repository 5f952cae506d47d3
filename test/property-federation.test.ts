/**
 * Property tests of the federation receiver over real HTTP: a pinned hostile peer (XX, driven
 * from the test process with its real node key) pushes mutated and forged batches to an
 * in-process node (RU) — altered canonical text and signatures, moved positions, re-signed
 * entries with wrong links, clocks, kinds and bodies, raw text with lone surrogates, repeated
 * member names and deep nesting, badly signed requests. Whatever arrives: never a 5xx; a 2xx
 * stores exactly the entries it reports held beyond what RU held before; a refusal stores
 * nothing; `verify` passes afterwards.
 *
 * Bounded by a run count and a time budget; on failure fast-check prints the seed (rerun with
 * PROPERTY_SEED=<seed>).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanonicalJsonError } from '../src/core/canonical-json.js';
import { generateKeyPair } from '../src/core/keys.js';
import { formatHlc } from '../src/core/hlc.js';
import type { SignedEntry } from '../src/core/entry.js';
import type { WireEntry } from '../src/federation/wire.js';
import { verifyNode } from '../src/workflows/audit/node-audit.js';
import { HostilePeer, type Answer } from './support/hostile-peer.js';
import { startInProcessParty, type InProcessParty } from './support/in-process.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const TIME_BUDGET_MS = 60_000;
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
const CHANNEL = 'hostile';

let ru: InProcessParty;
let xx: HostilePeer;
const xxHead = generateKeyPair();

async function xxHeadOfChain(): Promise<{ size: number; hash: string | null }> {
  const head = await ru.node.storage.getChainHead(CHANNEL, 'XX');
  return { size: head?.size ?? 0, hash: head?.hash ?? null };
}

beforeAll(async () => {
  // Real time: request signatures and entry clocks are checked against the node's clock.
  ru = await startInProcessParty('RU', { now: () => Date.now(), advance: () => undefined });
  xx = new HostilePeer('XX', ru.url, 'RU');
  // Pinned as an operator would after comparing fingerprints; nothing listens at its URL.
  await ru.node.storage.putPeer({
    party: 'XX',
    name: 'Hostile party XX',
    url: 'http://127.0.0.1:9',
    nodePublicKey: xx.key.publicKey,
    addedAt: Date.now(),
  });
  const created = await fetch(`${ru.url}/api/v1/channels`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ru.tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: CHANNEL,
      name: 'Talks with XX',
      offices: ['ru-ops'],
      peers: { XX: ['xx-ops'] },
      languages: ['en'],
    }),
  });
  expect(created.status, await created.text()).toBe(201);
  const charter = (await ru.node.storage.getEntry(CHANNEL, 'RU', 0))!;
  const accept = xx.entry(CHANNEL, {
    seq: 0,
    prev: null,
    kind: 'charter-accept',
    body: { charter: { party: 'RU', hash: charter.hash }, nodeKey: xx.key.publicKey } as never,
  });
  const published = xx.entry(CHANNEL, {
    seq: 1,
    prev: accept.hash,
    kind: 'principal-key',
    body: {
      principal: 'xx-head',
      office: 'xx-ops',
      role: 'head',
      title: 'Head',
      publicKey: xxHead.publicKey,
    } as never,
  });
  const started = await xx.push([HostilePeer.wire(accept), HostilePeer.wire(published)]);
  expect(started, started.message).toMatchObject({ status: 200, body: { held: { [CHANNEL]: 2 } } });
}, 240_000);

afterAll(async () => {
  await ru?.stop();
});

interface NoteDraft {
  text: string;
  kind?: string;
  body?: unknown;
  /** Shifts of the entry's own fields before signing. */
  seqShift?: number;
  wrongPrev?: boolean;
  hlc?: string;
  party?: string;
  channel?: string;
  /** Node-authored instead of xx-head. */
  asNode?: boolean;
}

/**
 * XX's next note by xx-head, as drafted (validly signed over whatever it says). A body the
 * canonical encoder cannot sign (a fraction, an unsafe integer) falls back to the text.
 */
function draftNote(head: { size: number; hash: string | null }, d: NoteDraft): SignedEntry {
  const sign = (body: unknown) =>
    xx.entry(CHANNEL, {
      seq: Math.max(0, head.size + (d.seqShift ?? 0)),
      prev: d.wrongPrev ? 'f'.repeat(64) : head.hash,
      kind: d.kind ?? 'note',
      body: body as never,
      ...(d.hlc ? { hlc: d.hlc } : {}),
      ...(d.party ? { party: d.party } : {}),
      ...(d.channel ? { channel: d.channel } : {}),
      ...(d.asNode ? {} : { author: 'xx-head', authorKey: xxHead.publicKey, signingKey: xxHead.privateKey }),
    });
  try {
    return sign(d.body ?? { text: d.text });
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    return sign({ text: d.text });
  }
}

const rawAtoms = fc.constantFrom(
  '"\\ud800"',
  '"\\udc00x"',
  '1e400',
  '123456789012345678901234567890',
  '-0',
  '0.5',
  '"\\u0000"',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
);

/** What to do to the wire form of the drafted entry. */
type WireMutation =
  | { kind: 'none' }
  | { kind: 'canonical-char'; at: number; char: string }
  | { kind: 'canonical-raw'; atom: string }
  | { kind: 'canonical-duplicate' }
  | { kind: 'canonical-truncate'; at: number }
  | { kind: 'sig'; sig: string }
  | { kind: 'sig-flip'; at: number }
  | { kind: 'position'; seq?: number; party?: string; channel?: string }
  | { kind: 'twice' }
  | { kind: 'replay-stored' };

const wireMutation: fc.Arbitrary<WireMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({
    kind: fc.constant('canonical-char' as const),
    at: fc.nat(),
    char: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('canonical-raw' as const), atom: rawAtoms }),
  fc.constant({ kind: 'canonical-duplicate' as const }),
  fc.record({ kind: fc.constant('canonical-truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('sig' as const), sig: fc.string({ maxLength: 200 }) }),
  fc.record({ kind: fc.constant('sig-flip' as const), at: fc.nat() }),
  fc.record(
    {
      kind: fc.constant('position' as const),
      seq: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(Number.MAX_SAFE_INTEGER)),
      party: fc.constantFrom('RU', 'US', 'XY', 'XX'),
      channel: fc.constantFrom('hostile', 'intel', 'nope'),
    },
    { requiredKeys: ['kind'] },
  ),
  fc.constant({ kind: 'twice' as const }),
  fc.constant({ kind: 'replay-stored' as const }),
);

const noteDraft: fc.Arbitrary<NoteDraft> = fc.record(
  {
    text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
    kind: fc.oneof(
      fc.constantFrom(
        'note',
        'receipt',
        'received',
        'charter',
        'charter-accept',
        'principal-key',
        'channel-change',
      ),
      fc.string({ maxLength: 70 }),
    ),
    body: fc.jsonValue({ maxDepth: 3 }),
    seqShift: fc.integer({ min: -2, max: 2 }),
    wrongPrev: fc.boolean(),
    hlc: fc.oneof(
      fc.constantFrom('9999-12-31T23:59:59.999Z/999999', '1970-01-01T00:00:00.000Z/000000', 'yesterday'),
      fc
        .integer({ min: -86_400_000, max: 86_400_000 })
        .map((d) => formatHlc({ wall: Date.now() + d, counter: 0 })),
    ),
    party: fc.constantFrom('RU', 'US', 'XY'),
    channel: fc.constantFrom('intel', 'nope'),
    asNode: fc.boolean(),
  },
  { requiredKeys: ['text'] },
);

/** Each field is kept only sometimes, so most drafts differ from a valid note in one or two ways. */
const sparseDraft = fc
  .tuple(noteDraft, fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }))
  .map(([draft, keep]) => {
    const out: NoteDraft = { text: draft.text };
    const fields = ['kind', 'body', 'seqShift', 'wrongPrev', 'hlc', 'party', 'channel', 'asNode'] as const;
    fields.forEach((field, i) => {
      // Roughly one field in six survives.
      if (keep[i] && keep[(i + 1) % 9] && keep[(i + 3) % 9] && draft[field] !== undefined)
        (out as unknown as Record<string, unknown>)[field] = draft[field];
    });
    return out;
  });

function mutate(wire: WireEntry, mutation: WireMutation, stored: WireEntry | null): WireEntry[] {
  const at = (n: number, text: string) => (text.length === 0 ? 0 : n % text.length);
  switch (mutation.kind) {
    case 'none':
      return [wire];
    case 'canonical-char': {
      const i = at(mutation.at, wire.canonical);
      return [
        { ...wire, canonical: wire.canonical.slice(0, i) + mutation.char + wire.canonical.slice(i + 1) },
      ];
    }
    case 'canonical-raw':
      return [{ ...wire, canonical: wire.canonical.replace(/"text":"[^"]*"/, `"text":${mutation.atom}`) }];
    case 'canonical-duplicate':
      return [{ ...wire, canonical: wire.canonical.replace(/^\{/, '{"kind":"note",') }];
    case 'canonical-truncate':
      return [{ ...wire, canonical: wire.canonical.slice(0, at(mutation.at, wire.canonical)) || '{}' }];
    case 'sig':
      return [{ ...wire, sig: mutation.sig }];
    case 'sig-flip': {
      const i = at(mutation.at, wire.sig);
      const flipped = wire.sig[i] === 'A' ? 'B' : 'A';
      return [{ ...wire, sig: wire.sig.slice(0, i) + flipped + wire.sig.slice(i + 1) }];
    }
    case 'position':
      return [
        {
          ...wire,
          ...(mutation.seq !== undefined ? { seq: mutation.seq } : {}),
          ...(mutation.party ? { party: mutation.party } : {}),
          ...(mutation.channel ? { channel: mutation.channel } : {}),
        },
      ];
    case 'twice':
      return [wire, wire];
    case 'replay-stored':
      return stored ? [stored, wire] : [wire];
  }
}

/** Whole requests that are not a well-formed batch at all, or not signed right. */
type Oddity =
  | { kind: 'raw'; text: string }
  | { kind: 'value'; value: unknown }
  | { kind: 'bad-signature' }
  | { kind: 'stale' };

const oddity: fc.Arbitrary<Oddity> = fc.oneof(
  fc.record({ kind: fc.constant('raw' as const), text: fc.string({ unit: 'binary', maxLength: 200 }) }),
  fc.record({
    kind: fc.constant('raw' as const),
    text: rawAtoms.map((atom) => `{"entries":[],"checkpoints":[],"x":${atom}}`),
  }),
  fc.constant({ kind: 'raw' as const, text: '{"entries":[],"entries":[],"checkpoints":[]}' }),
  fc.record({ kind: fc.constant('value' as const), value: fc.jsonValue({ maxDepth: 4 }) }),
  fc.record({
    kind: fc.constant('value' as const),
    value: fc.record({
      entries: fc.array(
        fc.record({
          channel: fc.string(),
          party: fc.string(),
          seq: fc.oneof(fc.integer(), fc.double()),
          canonical: fc.string(),
          sig: fc.string(),
        }),
        { maxLength: 3 },
      ),
      checkpoints: fc.array(fc.record({ channel: fc.string(), party: fc.string(), note: fc.string() }), {
        maxLength: 2,
      }),
    }),
  }),
  fc.constant({ kind: 'bad-signature' as const }),
  fc.constant({ kind: 'stale' as const }),
);

type Push = { kind: 'entry'; draft: NoteDraft; mutation: WireMutation } | { kind: 'odd'; oddity: Oddity };

const pushes: fc.Arbitrary<Push> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('entry' as const), draft: sparseDraft, mutation: wireMutation }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('odd' as const), oddity }) },
);

async function deliver(push: Push): Promise<Answer> {
  if (push.kind === 'odd') {
    const o = push.oddity;
    if (o.kind === 'raw') return xx.send(o.text);
    if (o.kind === 'value') return xx.send(JSON.stringify(o.value) ?? 'null');
    const batch = { entries: [], checkpoints: [] };
    if (o.kind === 'bad-signature') return xx.send(batch, { key: generateKeyPair() });
    return xx.send(batch, { now: Date.now() - 3600_000 });
  }
  const head = await xxHeadOfChain();
  const entry = draftNote(head, push.draft);
  const storedRow = head.size > 0 ? await ru.node.storage.getEntry(CHANNEL, 'XX', head.size - 1) : null;
  const stored = storedRow
    ? {
        channel: CHANNEL,
        party: 'XX',
        seq: storedRow.seq,
        canonical: storedRow.canonical,
        sig: storedRow.sig,
      }
    : null;
  return xx.push(mutate(HostilePeer.wire(entry), push.mutation, stored));
}

describe('the federation receiver under hostile pushes', () => {
  it(
    'never fails with 5xx; a 2xx stores exactly what it reports, a refusal nothing',
    { timeout: 180_000 },
    async () => {
      const statuses = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(pushes, async (push) => {
          const before = await ru.node.storage.countEntries();
          const cursorBefore = await ru.node.storage.latestCursor();
          const headBefore = await xxHeadOfChain();
          const answer = await deliver(push);
          const after = await ru.node.storage.countEntries();
          const tally = `${answer.status} ${answer.code ?? ''}`;
          statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
          expect(answer.status, `${answer.code}: ${answer.message}`).toBeLessThan(500);
          if (answer.status >= 200 && answer.status < 300) {
            const held = (answer.body?.held ?? {}) as Record<string, number>;
            // XX may push only its own chains, and RU holds XX's chains only in this channel.
            const reported = (held[CHANNEL] ?? headBefore.size) - headBefore.size;
            const written = (await ru.node.storage.changes(cursorBefore, 1000)).entries;
            const pushed = written.filter((e) => e.party === 'XX');
            const receipts = written.filter((e) => e.party === 'RU');
            const described = JSON.stringify([
              answer.body,
              written.map((e) => `${e.party}/${e.seq} ${e.kind}`),
            ]);
            expect(pushed.length, described).toBe(reported);
            // Besides what it reports, RU writes one delivery receipt of its own for a batch it
            // took (receive-entries.ts), unless the batch held only receipts.
            const acknowledged = pushed.some((e) => e.kind !== 'received') ? 1 : 0;
            expect(
              receipts.map((e) => `${e.kind} ${e.author}`),
              described,
            ).toEqual(acknowledged ? ['received node'] : []);
            expect(after - before, described).toBe(written.length);
            expect((await xxHeadOfChain()).size).toBe(headBefore.size + reported);
          } else {
            expect(after - before, `${answer.status} ${answer.code}: ${answer.message}`).toBe(0);
            expect(answer.code, answer.message).toEqual(expect.any(String));
          }
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: TIME_BUDGET_MS, seed: SEED, endOnFailure: true },
      );
      if (process.env.PROPERTY_STATS) console.log([...statuses].sort());
      // A re-signed entry at a position XX's chain already holds is a real fork by XX: RU keeps
      // the evidence and verify must name it. Nothing else may fail.
      const report = await verifyNode(ru.node);
      const forks = await ru.node.storage.listForks();
      const forked = [...new Set(forks.map((f) => `${f.channel}/${f.party}/${f.seq}`))].sort();
      const failures = report.failures.filter(
        (f) => !(f.rule === 'fork_detected' && forked.includes(f.entry)),
      );
      expect(failures).toEqual([]);
      expect([...new Set(report.failures.map((f) => f.entry))].sort()).toEqual(forked);
      expect(forks.every((f) => f.party === 'XX')).toBe(true);
    },
  );
});
