// A joint statement bracketed, resolved, approved and released; a charter amendment signed by both.
import { describe, expect, it } from 'vitest';
import { api, eventually } from './support/node-process.js';
import type { InProcessParty } from './support/in-process.js';
import { arrived, head, post, ref, refused, useWorkflowPair, type Entry } from './support/intel-pair.js';

let ru: InProcessParty;
let us: InProcessParty;
useWorkflowPair((a, b) => void ([ru, us] = [a, b]));

describe('a joint statement', () => {
  interface Statement {
    state: string;
    current: string;
    textHash: string;
    versions: Array<{ id: string; textHash: string; brackets: unknown[] }>;
    approvals: Array<{ party: string }>;
    waitingFor: string[];
    released: { id: string } | null;
  }
  const statementOf = async (node: InProcessParty) =>
    (await api<{ statements: Statement[] }>(node, head(node), 'GET', '/api/v1/channels/intel/statements'))
      .body.statements[0]!;
  const entries = (node: InProcessParty, user: string, kind: string, body: unknown) =>
    api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', { kind, body });

  it('is drafted with brackets, resolved by both, approved by both on one text hash, then released', async () => {
    const draft = await post(ru, 'ru-duty', 'statement-draft', {
      statement: 'settlement',
      title: 'Joint statement',
      text: 'The parties confirm their commitment to a negotiated settlement and [agree to begin talks without delay | agree to prepare the ground for talks].',
    });
    const bracketed = await statementOf(ru);
    expect(bracketed).toMatchObject({ state: 'bracketed', current: draft.id });
    expect(bracketed.versions[0]!.brackets).toHaveLength(1);
    const hashOf = (s: Statement) => s.textHash;
    await refused(
      ru,
      () => entries(ru, 'ru-head', 'statement-approve', { of: ref(draft), textHash: hashOf(bracketed) }),
      409,
      'state_conflict',
    );

    await arrived(us, draft);
    // US may not remove the bracket alone by revising it away.
    await refused(
      us,
      () =>
        entries(us, 'us-duty', 'statement-draft', {
          statement: 'settlement',
          title: 'Joint statement',
          text: 'The parties confirm their commitment to a negotiated settlement and agree to prepare the ground for talks without delay.',
          revises: ref(draft),
        }),
      409,
      'state_conflict',
    );
    const proposal = await post(us, 'us-duty', 'statement-resolution', {
      of: ref(draft),
      bracket: 0,
      text: 'agree to prepare the ground for talks without delay',
    });
    expect((await statementOf(us)).state).toBe('bracketed');
    await arrived(ru, proposal);
    const agreement = await post(ru, 'ru-duty', 'statement-resolution-agree', {
      of: ref(draft),
      resolution: ref(proposal),
    });
    await arrived(us, agreement);
    const resolved = draft;
    const current = await statementOf(us);
    expect(current.state).toBe('approving');
    expect(hashOf(current)).not.toBe(hashOf(bracketed));
    // Only heads approve, only the exact text as resolved.
    await refused(
      us,
      () => entries(us, 'us-duty', 'statement-approve', { of: ref(resolved), textHash: hashOf(current) }),
      403,
      'forbidden',
    );
    await refused(
      us,
      () => entries(us, 'us-head', 'statement-approve', { of: ref(resolved), textHash: '0'.repeat(64) }),
      400,
      'body_invalid',
    );
    await refused(
      us,
      () => entries(us, 'us-head', 'statement-approve', { of: ref(draft), textHash: hashOf(bracketed) }),
      400,
      'body_invalid',
    );
    await post(us, 'us-head', 'statement-approve', { of: ref(resolved), textHash: hashOf(current) });
    // Nothing is released that a party has not approved word for word.
    const early = await refused(
      us,
      () => entries(us, 'us-duty', 'statement-release', { of: ref(resolved), textHash: hashOf(current) }),
      409,
      'state_conflict',
    );
    expect(early).toContain('not approved yet by RU');

    await arrived(ru, resolved);
    const approval = await post(ru, 'ru-head', 'statement-approve', {
      of: ref(resolved),
      textHash: hashOf(current),
    });
    await arrived(us, approval);
    await post(us, 'us-duty', 'statement-release', { of: ref(resolved), textHash: hashOf(current) });
    await refused(
      us,
      () => entries(us, 'us-duty', 'statement-release', { of: ref(resolved), textHash: hashOf(current) }),
      409,
      'already_exists',
    );
    await refused(
      us,
      () =>
        entries(us, 'us-duty', 'statement-draft', {
          statement: 'settlement',
          title: 'Joint statement',
          text: 'Changed after release.',
          revises: ref(resolved),
        }),
      409,
      'state_conflict',
    );
    const released = await statementOf(us);
    expect(released).toMatchObject({ state: 'released', waitingFor: [] });
    expect(released.approvals.map((a) => a.party).sort()).toEqual(['RU', 'US']);
  });
});

describe('a charter amendment', () => {
  it('changes languages and deadlines only once every party has signed it', async () => {
    const proposal = await post(ru, 'ru-head', 'channel-change', {
      change: 'amend',
      reason: 'French added for the observer; faster FLASH answers',
      charter: {
        languages: ['ru', 'en', 'fr'],
        objectives: { FLASH: { deliveryMinutes: 1, responseMinutes: 5 } },
      },
    });
    // One party alone changes nothing: not on its own node, not on the other.
    const objectives = async (node: InProcessParty) =>
      (
        await api<Record<string, { responseMinutes: number }>>(
          node,
          head(node),
          'GET',
          '/api/v1/channels/intel/objectives',
        )
      ).body.FLASH!.responseMinutes;
    expect(await objectives(ru)).toBe(10);
    await refused(
      ru,
      () =>
        api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'note',
          lang: 'fr',
          body: { text: 'Bonjour' },
        }),
      400,
      'language_invalid',
    );
    // Only heads agree, and never to their own party's proposal.
    await refused(
      ru,
      () =>
        api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'channel-change-agree',
          body: { of: ref(proposal) },
        }),
      400,
      'ref_invalid',
    );
    await arrived(us, proposal);
    const state = await api<{ amendments: Array<{ id: string; waitingFor: string[] }> }>(
      us,
      'us-head',
      'GET',
      '/api/v1/channels/intel/state',
    );
    expect(state.body.amendments).toEqual([expect.objectContaining({ id: proposal.id, waitingFor: ['US'] })]);
    const agreement = await post(us, 'us-head', 'channel-change-agree', { of: ref(proposal) });
    expect(await objectives(us)).toBe(5);
    await arrived(ru, agreement);
    await eventually(async () => (await objectives(ru)) === 5, 10_000, 'amendment in effect at RU');
    const french = await post(ru, 'ru-head', 'note', { text: 'Bonjour' }, { lang: 'fr' });
    await arrived(us, french);
    expect(
      (await api<{ languages: string[] }>(us, 'admin', 'GET', '/api/v1/channels/intel')).body.languages,
    ).toEqual(['ru', 'en', 'fr']);
  });
});
