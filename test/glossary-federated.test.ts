/**
 * The glossary across two real federated node processes (RU and US): a term one party proposes
 * is pending until the other party's signed agreement arrives, on both nodes; a party cannot
 * agree to its own proposal or agree twice, and nothing is written when it tries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, openChannel, peerUp, startParty, type PartyNode } from './support/node-process.js';

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

interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
}

interface Glossary {
  agreed: Array<{ id: string; term: string; agreedBy: string[] }>;
  pending: Array<{ id: string; term: string; agreedBy: string[]; waitingFor: string[] }>;
}

/**
 * How many entries `user` has signed in the channel at `node`. (Federation keeps appending the
 * node's own `received` receipts meanwhile, so the total is not a stable measure.)
 */
async function signedBy(node: PartyNode, user: string): Promise<number> {
  const page = await api<{ entries: Array<{ author: string }> }>(
    node,
    user,
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return page.body.entries.filter((e) => e.author === user).length;
}

async function expectRefused(
  node: PartyNode,
  user: string,
  body: unknown,
  status: number,
  code: string,
): Promise<void> {
  const before = await signedBy(node, user);
  const result = await api<{ error: { code: string } }>(
    node,
    user,
    'POST',
    '/api/v1/channels/intel/entries',
    body,
  );
  expect(result.status).toBe(status);
  expect(result.body.error.code).toBe(code);
  expect(await signedBy(node, user)).toBe(before);
}

describe('a glossary term between two parties', () => {
  it('is pending until the other party agrees, then agreed on both nodes', async () => {
    const proposed = await api<Entry>(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'glossary-term',
      body: { term: 'hotline', renderings: { ru: 'прямая линия', en: 'hotline' } },
    });
    expect(proposed.status).toBe(201);
    const term = proposed.body;
    const of = { party: term.party, seq: term.seq, hash: term.hash };

    const atRu = await api<Glossary>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/glossary');
    expect(atRu.body.agreed).toEqual([]);
    expect(atRu.body.pending).toMatchObject([
      { id: term.id, term: 'hotline', agreedBy: ['RU'], waitingFor: ['US'] },
    ]);
    await expectRefused(ru, 'ru-head', { kind: 'glossary-agree', body: { of } }, 400, 'ref_invalid');

    // The proposal reaches US, where it is pending too.
    await eventually(
      async () =>
        (await api<Glossary>(us, 'us-head', 'GET', '/api/v1/channels/intel/glossary')).body.pending.length ===
        1,
      20_000,
      'proposal at US',
    );
    await expectRefused(us, 'us-duty', { kind: 'glossary-agree', body: { of } }, 403, 'forbidden');
    const agreed = await api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'glossary-agree',
      body: { of },
    });
    expect(agreed.status).toBe(201);
    await expectRefused(us, 'us-head', { kind: 'glossary-agree', body: { of } }, 409, 'already_exists');

    const atUs = await api<Glossary>(us, 'us-head', 'GET', '/api/v1/channels/intel/glossary');
    expect(atUs.body.pending).toEqual([]);
    expect(atUs.body.agreed).toMatchObject([{ id: term.id, agreedBy: ['RU', 'US'] }]);
    await eventually(
      async () => {
        const glossary = (await api<Glossary>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/glossary')).body;
        return glossary.agreed.length === 1 && glossary.pending.length === 0 && glossary.agreed[0];
      },
      20_000,
      'agreement at RU',
    );
  });
});
