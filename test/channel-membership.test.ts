/**
 * Members added to a running channel, with four real node processes (RU, US, NATO, FR).
 *
 * An observer: the amendment naming NATO changes nothing until every party has signed it; then
 * both parties' nodes send NATO their whole chains, NATO's node accepts the channel only on the
 * strength of that signed amendment, and NATO reads everything but can write nothing.
 *
 * A writing party: US (not the channel's founder) proposes that FR joins, after RU's chain has
 * grown past two of its pushes; once RU agrees, FR's node is introduced to the channel with the signed
 * charter, amendment and agreement, holds every chain from its first entry, and accepts; FR then
 * writes, owes nothing for what was sent before it joined, and later changes wait for it too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let nato: PartyNode;
let fr: PartyNode;

interface Entry {
  party: string;
  seq: number;
  hash: string;
}

beforeAll(async () => {
  [ru, us, nato, fr] = await Promise.all([
    // Small pushes on RU, so the proof that FR belongs cannot ride in RU's first batch to FR.
    startParty('RU', { PARLEY_REPLICATION_BATCH: '100' }),
    startParty('US'),
    startParty('NATO'),
    startParty('FR'),
  ]);
  peerUp(ru, us);
  await openChannel(ru, us);
}, 240_000);

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop(), nato?.serve.stop(), fr?.serve.stop()]);
});

const amendment = {
  kind: 'channel-change',
  body: {
    change: 'amend',
    reason: 'NATO observes the exchange',
    charter: { observers: { NATO: ['nato-ops'] } },
  },
};

const heads = async (node: PartyNode, user: string) => {
  const { body } = await api<{ chains: Array<{ party: string; size: number }> }>(
    node,
    user,
    'GET',
    '/api/v1/channels/intel/checkpoints',
  );
  return Object.fromEntries(body.chains.map((c) => [c.party, c.size]));
};

/** Waits until `node` holds entry `party`/`seq` of the channel. */
const holds = (node: PartyNode, user: string, party: string, seq: number) =>
  eventually(
    async () =>
      (await api(node, user, 'GET', `/api/v1/channels/intel/entries/${party}/${seq}`)).status === 200,
    30_000,
    `${party}/${seq} at ${node.party}`,
  );

describe('adding members to a running channel', () => {
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
    await holds(us, 'us-head', 'RU', proposal.body.seq);
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

  it('adds a writing party once every party signed, and the new party accepts and writes', async () => {
    // A joint statement released by RU and US before FR joins stays released afterwards.
    const draft = await api<Entry>(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'statement-draft',
      body: { statement: 'talks', title: 'Joint statement', text: 'The parties will keep talking.' },
    });
    expect(draft.status).toBe(201);
    const released = async (node: PartyNode, user: string) => {
      const { body } = await api<{ statements: Array<{ state: string; waitingFor: string[] }> }>(
        node,
        user,
        'GET',
        '/api/v1/channels/intel/statements',
      );
      return body.statements[0];
    };
    const textHash = (
      await api<{ statements: Array<{ versions: Array<{ textHash: string }> }> }>(
        ru,
        'ru-head',
        'GET',
        '/api/v1/channels/intel/statements',
      )
    ).body.statements[0]!.versions[0]!.textHash;
    const of = { party: 'RU', seq: draft.body.seq, hash: draft.body.hash };
    const ruApproval = await api<Entry>(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'statement-approve',
      body: { of, textHash },
    });
    expect(ruApproval.status).toBe(201);
    await holds(us, 'us-head', 'RU', ruApproval.body.seq);
    const usApproval = await api<Entry>(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'statement-approve',
      body: { of, textHash },
    });
    expect(usApproval.status).toBe(201);
    await holds(ru, 'ru-head', 'US', usApproval.body.seq);
    const release = await api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'statement-release',
      body: { of, textHash },
    });
    expect(release.status).toBe(201);
    expect((await released(ru, 'ru-head'))?.state).toBe('released');

    // RU's chain grows past two of its pushes (100 entries each).
    for (let i = 0; i < 4; i += 1) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
            kind: 'note',
            lang: 'en',
            body: { text: `Routine exchange ${i * 50 + j} before FR joined.` },
          }).then((r) => expect(r.status).toBe(201)),
        ),
      );
    }
    const addFr = {
      kind: 'channel-change',
      body: {
        change: 'amend',
        reason: 'France joins the exchange',
        charter: { parties: { FR: ['fr-ops'] } },
      },
    };
    // FR is not pinned at US yet: refused, nothing written.
    const early = await api<{ error: { code: string } }>(
      us,
      'us-head',
      'POST',
      '/api/v1/channels/intel/entries',
      addFr,
    );
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe('peer_not_found');
    // A party already in the channel cannot be added again.
    const again = await api<{ error: { code: string } }>(
      us,
      'us-head',
      'POST',
      '/api/v1/channels/intel/entries',
      {
        ...addFr,
        body: { ...addFr.body, charter: { parties: { RU: ['ru-ops'] } } },
      },
    );
    expect(again.status).toBe(400);

    peerUp(fr, ru);
    peerUp(fr, us);
    peerUp(fr, nato);
    const proposal = await api<Entry>(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', addFr);
    expect(proposal.status).toBe(201);
    await holds(ru, 'ru-head', 'US', proposal.body.seq);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api(fr, 'admin', 'GET', '/api/v1/channels/intel')).status).toBe(404);

    const agreement = await api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change-agree',
      body: { of: { party: 'US', seq: proposal.body.seq, hash: proposal.body.hash } },
    });
    expect(agreement.status).toBe(201);

    // FR's node is introduced: the channel is there, waiting for FR's own acceptance.
    await eventually(
      async () => (await api(fr, 'admin', 'GET', '/api/v1/channels/intel')).status === 200,
      30_000,
      'the channel at FR',
    );
    const invited = await api<{ state: string; parties: Record<string, string[]> }>(
      fr,
      'admin',
      'GET',
      '/api/v1/channels/intel',
    );
    expect(invited.body.state).toBe('proposed');
    expect(Object.keys(invited.body.parties).sort()).toEqual(['FR', 'RU', 'US']);
    for (const node of [ru, us]) {
      await eventually(
        async () =>
          Boolean(
            (await api<{ parties: Record<string, string[]> }>(node, 'admin', 'GET', '/api/v1/channels/intel'))
              .body.parties.FR,
          ),
        20_000,
        `FR a party at ${node.party}`,
      );
    }
    // Every chain arrives from its first entry, RU's past the first push included.
    await eventually(
      async () => {
        const [atRu, atFr] = await Promise.all([heads(ru, 'ru-head'), heads(fr, 'admin')]);
        return atFr.RU === atRu.RU && atFr.US === atRu.US;
      },
      30_000,
      'RU and US chains at FR',
    );

    const accepted = await api(fr, 'admin', 'POST', '/api/v1/channels/intel/accept');
    expect(accepted.status).toBe(200);
    await eventually(
      async () =>
        (await api<{ state: string }>(fr, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
      20_000,
      'the channel active at FR',
    );
    // What RU and US settled before FR joined stays settled, here and at FR.
    expect(await released(ru, 'ru-head')).toMatchObject({ state: 'released', waitingFor: [] });
    expect(await released(fr, 'fr-head')).toMatchObject({ state: 'released', waitingFor: [] });
    // FR owes nothing for the 200 notes sent before it joined.
    const owing = await api<{ obligations: unknown[] }>(
      fr,
      'fr-head',
      'GET',
      '/api/v1/obligations?direction=owing',
    );
    expect(owing.status).toBe(200);
    expect(owing.body.obligations).toEqual([]);

    const flash = await api<Entry>(fr, 'fr-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      precedence: 'FLASH',
      lang: 'en',
      body: { text: 'France on the line.' },
    });
    expect(flash.status).toBe(201);
    for (const [node, user] of [
      [ru, 'ru-head'],
      [us, 'us-head'],
      [nato, 'nato-head'],
    ] as const) {
      await holds(node, user, 'FR', flash.body.seq);
    }
    // RU now owes FR a response to the FLASH note.
    const ruOwes = await api<{ obligations: Array<{ owedTo: string; item: { id: string } }> }>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/obligations?direction=owing',
    );
    expect(
      ruOwes.body.obligations.some((o) => o.owedTo === 'FR' && o.item.id === `intel/FR/${flash.body.seq}`),
    ).toBe(true);

    // The replica at FR verifies like any other: three chains, every entry.
    await eventually(
      async () => (await heads(fr, 'admin')).FR === (await heads(ru, 'ru-head')).FR,
      20_000,
      "FR's chain at RU",
    );
    for (const node of [fr, ru]) {
      const verify = runCli(['verify', '--data-dir', node.dataDir, '--json']);
      expect(verify.status, verify.stdout).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, chains: 3 });
    }

    // A later change waits for FR as well as US.
    const languages = await api<Entry>(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change',
      body: { change: 'amend', reason: 'French too', charter: { languages: ['ru', 'en', 'fr'] } },
    });
    expect(languages.status).toBe(201);
    const status = await api<{ amendments: Array<{ id: string; waitingFor: string[] }> }>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/channels/intel/state',
    );
    expect(
      status.body.amendments.find((a) => a.id === `intel/RU/${languages.body.seq}`)?.waitingFor.sort(),
    ).toEqual(['FR', 'US']);
  }, 120_000);
});
