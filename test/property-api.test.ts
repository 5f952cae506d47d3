/**
 * Property tests of the user API over real HTTP (an in-process node on 127.0.0.1): for any
 * request to the entry and receipt routes — arbitrary JSON, mutated valid entries, raw text with
 * lone surrogates, repeated member names, huge numbers, deep nesting, odd path parameters and
 * Idempotency-Key values — the node never answers 5xx, a 2xx writes exactly the one entry it
 * reports (none when it is a replay), a refusal writes nothing, and `verify` passes afterwards.
 *
 * Bounded: a fixed number of runs and a time budget, so the suite stops by itself. On failure
 * fast-check prints the seed and the shrunk counterexample; rerun with PROPERTY_SEED=<seed>.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { verifyNode } from '../src/workflows/audit/node-audit.js';
import { openNode } from '../src/workflows/open-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { prepareNode, type Fixture } from './support/node-process.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const TIME_BUDGET_MS = 40_000;
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);

let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;
let kindNames: string[];

beforeAll(async () => {
  fixture = await prepareNode();
  node = await openNode(fixture.dataDir);
  server = await startServer(node, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
  kindNames = node.kinds.list().map((k) => k.name);
});

afterAll(async () => {
  await server?.close();
});

interface Probe {
  method: 'POST';
  path: string;
  user: string;
  /** The exact bytes of the body. */
  body: Uint8Array | string;
  idempotencyKey?: string;
}

const USERS = ['svr-head', 'svr-duty', 'svr-observer', 'pres-head', 'admin'];

/** A JSON text with some member or element spliced in as raw text (what JSON.stringify cannot make). */
function withRawMember(value: Record<string, unknown>, raw: string): string {
  const text = JSON.stringify(value);
  return text === '{}' ? `{${raw}}` : `{${raw},${text.slice(1)}`;
}

const rawAtoms = fc.constantFrom(
  '"\\ud800"',
  '"\\udfff tail"',
  '"a\\ud83d"',
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '-0',
  '0.1',
  '1.5e300',
  '9007199254740993',
  'NaN',
  '"\\u0000"',
  '"\u2028\u2029"',
  '"\\uFFFE"',
);

const deep = fc
  .oneof(fc.integer({ min: 200, max: 300 }), fc.integer({ min: 1, max: 20_000 }))
  .chain((depth) =>
    fc.constantFrom('['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  );

/** A note a user of office svr may post, changed in up to three ways. */
function mutatedEntries(): fc.Arbitrary<Record<string, unknown>> {
  const benign = fc.oneof(
    fc.record({ precedence: fc.constantFrom('ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH') }),
    fc.record({ lang: fc.constantFrom('en', 'ru') }),
    fc.record({ marking: fc.constantFrom('TEST', 'EXERCISE') }),
    fc.record({ body: fc.record({ text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }) }) }),
  );
  const hostile = fc.oneof(
    fc.record({ kind: fc.constantFrom(...kindNames) }),
    fc.record({ kind: fc.string({ maxLength: 70 }) }),
    fc.record({ precedence: fc.constantFrom('ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH', 'routine', '') }),
    fc.record({ lang: fc.constantFrom('en', 'ru', 'fr', 'en-GB', 'RU', '', 'x'.repeat(40)) }),
    fc.record({ marking: fc.constantFrom('TEST', 'EXERCISE', 'REAL') }),
    fc.record({ extra: fc.jsonValue({ maxDepth: 1 }) }),
    fc.record({ body: fc.record({ text: fc.string({ unit: 'grapheme', maxLength: 300 }) }) }),
    fc.record({ body: fc.record({ text: fc.string({ unit: 'binary', maxLength: 50 }) }) }),
    fc.record({
      body: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
    }),
    fc.record({ body: fc.jsonValue({ maxDepth: 2 }) }),
    fc.record({ kind: fc.constant(undefined) }),
  );
  return fc
    .tuple(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
      fc.array(fc.oneof({ weight: 2, arbitrary: benign }, hostile), { maxLength: 3 }),
    )
    .map(([text, changes]) => {
      const entry: Record<string, unknown> = { kind: 'note', lang: 'en', body: { text } };
      for (const c of changes) Object.assign(entry, c);
      for (const [k, v] of Object.entries(entry)) if (v === undefined) delete entry[k];
      return entry;
    });
}

/** Bodies for POST …/entries: mutated entries, as JSON and as raw text JSON.stringify cannot make. */
function entryBodies(): fc.Arbitrary<Uint8Array | string> {
  const valid = mutatedEntries();
  const asText = valid.map((v) => JSON.stringify(v));
  const withoutBody = valid.map(({ body: _body, ...rest }) => rest);
  const withRaw = fc
    .tuple(withoutBody, rawAtoms)
    .map(([v, atom]) => withRawMember(v, `"body":{"text":${atom}}`));
  const duplicated = fc
    .tuple(valid, fc.constantFrom('kind', 'body', 'lang'))
    .map(([v, name]) => withRawMember(v, `${JSON.stringify(name)}:${JSON.stringify(v[name] ?? 'x')}`));
  const nested = fc.tuple(withoutBody, deep).map(([v, d]) => withRawMember(v, `"body":{"x":${d}}`));
  const rawBytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    // A surrogate encoded as UTF-8 bytes (CESU-8): not UTF-8.
    fc.constant(Uint8Array.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])),
  );
  return fc.oneof(
    { weight: 16, arbitrary: asText },
    { weight: 1, arbitrary: withRaw },
    { weight: 1, arbitrary: duplicated },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: rawBytes },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  );
}

const oddSegment = fc.oneof(
  fc.constantFrom(
    'intel',
    'leaders',
    'RU',
    '0',
    '1',
    '-1',
    '00',
    '1e3',
    '9007199254740993',
    '%00',
    '%F0%9F',
    '..',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
);
/** Mostly a real value, sometimes anything. */
const segment = (...real: string[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: oddSegment });

const idempotencyKey = fc.option(
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 260,
  }),
  { nil: undefined },
);

function probes(): fc.Arbitrary<Probe> {
  const user = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('svr-duty', 'svr-head') },
    fc.constantFrom(...USERS),
  );
  const entry = fc.record({
    channel: segment('intel', 'leaders'),
    user,
    body: entryBodies(),
    idempotencyKey,
  });
  const receipt = fc.record({
    channel: segment('intel', 'leaders'),
    party: segment('RU'),
    seq: segment('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'),
    user,
    body: fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .record(
            {
              level: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('read', 'understood') }, fc.string()),
              lang: fc.constantFrom('en', 'ru', 'xx'),
              readBack: fc.string({ unit: 'grapheme', maxLength: 50 }),
              readBackFields: fc.dictionary(
                fc.string(),
                fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double()),
              ),
              extra: fc.jsonValue({ maxDepth: 1 }),
            },
            { requiredKeys: ['level'] },
          )
          .chain((v) => fc.constantFrom<Record<string, unknown>>(v, { level: v.level }))
          .map((v) => JSON.stringify(v)),
      },
      { weight: 1, arbitrary: entryBodies() },
    ),
    idempotencyKey,
  });
  return fc.oneof(
    {
      weight: 3,
      arbitrary: entry.map((p) => ({
        method: 'POST' as const,
        path: `/api/v1/channels/${p.channel}/entries`,
        ...p,
      })),
    },
    {
      weight: 2,
      arbitrary: receipt.map((p) => ({
        method: 'POST' as const,
        path: `/api/v1/channels/${p.channel}/entries/${p.party}/${p.seq}/receipts`,
        ...p,
      })),
    },
  );
}

async function deliver(probe: Probe): Promise<{ status: number; text: string; replayed: boolean }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${fixture.tokens[probe.user]}`,
    'content-type': 'application/json',
  };
  if (probe.idempotencyKey !== undefined) headers['idempotency-key'] = probe.idempotencyKey;
  const response = await fetch(`${server.url}${probe.path}`, {
    method: probe.method,
    headers,
    body: probe.body,
  });
  return {
    status: response.status,
    text: await response.text(),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

describe('the user API under arbitrary input', () => {
  it(
    'never fails with 5xx; a 2xx writes exactly its entry, a refusal nothing',
    { timeout: 120_000 },
    async () => {
      // A few real entries to acknowledge, so receipts sometimes hit something.
      for (const [user, channel] of [
        ['svr-duty', 'intel'],
        ['pres-head', 'leaders'],
      ] as const) {
        const seeded = await deliver({
          method: 'POST',
          path: `/api/v1/channels/${channel}/entries`,
          user,
          body: JSON.stringify({ kind: 'note', lang: 'en', body: { text: 'seed' } }),
        });
        expect(seeded.status).toBe(201);
      }
      let written = 0;
      const statuses = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(probes(), async (probe) => {
          const before = await node.storage.countEntries();
          const answer = await deliver(probe);
          const after = await node.storage.countEntries();
          const code = /"code":"([a-z_]+)"/.exec(answer.text)?.[1] ?? '';
          statuses.set(`${answer.status} ${code}`, (statuses.get(`${answer.status} ${code}`) ?? 0) + 1);
          expect(answer.status, `${probe.path}: ${answer.text}`).toBeLessThan(500);
          if (answer.status >= 200 && answer.status < 300 && !answer.replayed) {
            // Each of these routes reports exactly one entry (the one it wrote).
            expect(JSON.parse(answer.text)).toMatchObject({
              id: expect.any(String),
              hash: expect.any(String),
            });
            expect(after - before, answer.text).toBe(1);
            written += 1;
          } else {
            expect(after - before, `${answer.status} ${answer.text}`).toBe(0);
          }
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: TIME_BUDGET_MS, seed: SEED, endOnFailure: true },
      );
      if (process.env.PROPERTY_STATS) console.log(written, [...statuses].sort());
      expect(written).toBeGreaterThanOrEqual(0);
      const report = await verifyNode(node);
      expect(report.failures).toEqual([]);
      expect(report.ok).toBe(true);
    },
  );
});
