/**
 * An observer added to a running channel, with three real node processes (RU, US, NATO): the
 * amendment naming NATO changes nothing until every party has signed it; then both parties'
 * nodes send NATO their whole chains, NATO's node accepts the channel only on the strength of
 * that signed amendment, and NATO reads everything but can write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, openChannel, peerUp, startParty, type PartyNode } from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;
let nato: PartyNode;

interface Entry {
  party: string;
  seq: number;
  hash: string;
}

beforeAll(async () => {
  [ru, us, nato] = await Promise.all([startParty('RU'), startParty('US'), startParty('NATO')]);
  peerUp(ru, us);
  await openChannel(ru, us);
}, 60_000);

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop(), nato?.serve.stop()]);
});

const amendment = {
  kind: 'channel-change',
  body: {
    change: 'amend',
    reason: 'NATO observes the exchange',
    charter: { observers: { NATO: ['nato-ops'] } },
  },
};

describe('adding an observer to a running channel', () => {
  it('needs the observer pinned, then every party’s signature, before the observer sees anything', async () => {
    const note = await api<Entry>(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      lang: 'en',
      body: { text: 'Exchange before the observer joined.' },
    });
    expect(note.status).toBe(201);

    // NATO is not pinned yet: the amendment is refused and nothing is written.
    const early = await api<{ error: { code: string } }>(
      ru,
      'ru-head',
      'POST',
      '/api/v1/channels/intel/entries',
      amendment,
    );
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe('peer_not_found');

    peerUp(ru, nato);
    peerUp(us, nato);
    const proposal = await api<Entry>(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', amendment);
    expect(proposal.status).toBe(201);
    await eventually(
      async () =>
        (await api(us, 'us-head', 'GET', `/api/v1/channels/intel/entries/RU/${proposal.body.seq}`)).status ===
        200,
      20_000,
      'the amendment at US',
    );
    // Proposed by RU alone: NATO has nothing, and RU still lists no observer.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api(nato, 'admin', 'GET', '/api/v1/channels/intel')).status).toBe(404);
    expect(
      (await api<{ observers: object }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.observers,
    ).toEqual({});

    const agreement = await api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change-agree',
      body: { of: { party: 'RU', seq: proposal.body.seq, hash: proposal.body.hash } },
    });
    expect(agreement.status).toBe(201);

    // Both parties now send NATO their chains; NATO's node makes the channel active.
    await eventually(
      async () =>
        (await api<{ state: string }>(nato, 'admin', 'GET', '/api/v1/channels/intel')).body.state ===
        'active',
      30_000,
      'the channel active at NATO',
    );
    const heads = async (node: PartyNode, user: string) => {
      const { body } = await api<{ chains: Array<{ party: string; size: number }> }>(
        node,
        user,
        'GET',
        '/api/v1/channels/intel/checkpoints',
      );
      return Object.fromEntries(body.chains.map((c) => [c.party, c.size]));
    };
    // NATO holds both chains, from their first entries, as RU holds them.
    await eventually(
      async () => {
        const [atRu, atNato] = await Promise.all([heads(ru, 'ru-head'), heads(nato, 'nato-head')]);
        return atNato.RU === atRu.RU && atNato.US !== undefined && atNato.US >= 3;
      },
      30_000,
      'both chains at NATO',
    );
    const old = await api<{ body: { text: string } }>(
      nato,
      'nato-head',
      'GET',
      `/api/v1/channels/intel/entries/RU/${note.body.seq}`,
    );
    expect(old.status).toBe(200);
    expect(old.body.body.text).toBe('Exchange before the observer joined.');
    // An observer reads but never writes.
    const write = await api(nato, 'nato-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      body: { text: 'x' },
    });
    expect(write.status).toBe(403);
  });
});
