// Invitations: answer dates checked, owed an answer, counter-proposed, accepted, withdrawn.
import { describe, expect, it } from 'vitest';
import { api } from './support/node-process.js';
import type { InProcessParty } from './support/in-process.js';
import { arrived, DAY, entriesWith, head, ref, useIntelPair } from './support/intel-pair.js';

interface Invitation {
  id: string;
  state: string;
  awaiting: string[];
  current: { id: string; where: string };
  proposals: unknown[];
}

let ru: InProcessParty;
let us: InProcessParty;
const clock = useIntelPair((a, b) => void ([ru, us] = [a, b]));
const { post, refused } = entriesWith({ lang: 'en' });

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function invitation(node: InProcessParty, id: string): Promise<Invitation> {
  const result = await api<{ invitations: Invitation[] }>(
    node,
    head(node),
    'GET',
    '/api/v1/channels/intel/invitations',
  );
  expect(result.status).toBe(200);
  return result.body.invitations.find((i) => i.id === id)!;
}

describe('an invitation', () => {
  const terms = (extra: Record<string, unknown> = {}) => ({
    type: 'visit',
    what: 'Visit of the US delegation to Moscow',
    where: 'Moscow',
    window: { from: day(clock.now() + 30 * DAY), to: day(clock.now() + 33 * DAY) },
    respondBy: day(clock.now() + 10 * DAY),
    ...extra,
  });

  it('refuses an answer date already past, or after the window, and a window backwards', async () => {
    await refused(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ respondBy: day(clock.now() - DAY) }),
      400,
      'body_invalid',
      /^respondBy: .* the answer date must be in the future/,
    );
    await refused(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ respondBy: day(clock.now() + 40 * DAY) }),
      400,
      'body_invalid',
      /^respondBy: .* after the window ends/,
    );
    await refused(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ window: { from: day(clock.now() + 5 * DAY), to: day(clock.now() + 4 * DAY) } }),
      400,
      'body_invalid',
      /^window\.to: must not be before from/,
    );
  });

  it('is owed an answer, counter-proposed, and accepted; an answer to the superseded terms is refused', async () => {
    const invite = await post(ru, 'ru-head', 'invitation-proposal', terms());
    await arrived(us, invite);
    const owing = await api<{
      obligations: Array<{ type: string; subject?: string; owedTo: string; item: { id: string } }>;
    }>(us, 'us-head', 'GET', '/api/v1/obligations?direction=owing&channel=intel');
    expect(owing.body.obligations).toContainEqual(
      expect.objectContaining({
        type: 'invitation-answer',
        subject: 'Visit of the US delegation to Moscow',
        owedTo: 'RU',
        item: expect.objectContaining({ id: invite.id }),
      }),
    );
    await refused(
      us,
      'us-head',
      'invitation-counter',
      { of: ref(invite), to: ref(invite), respondBy: day(clock.now() + 5 * DAY) },
      400,
      'body_invalid',
      /^window: a counter-proposal gives another window or place/,
    );
    await refused(
      us,
      'us-head',
      'invitation-counter',
      { of: ref(invite), to: ref(invite), where: 'Geneva', respondBy: day(clock.now() - 2 * DAY) },
      400,
      'body_invalid',
      /^respondBy: .* must be in the future/,
    );
    const counter = await post(us, 'us-head', 'invitation-counter', {
      of: ref(invite),
      to: ref(invite),
      where: 'Geneva',
      respondBy: day(clock.now() + 8 * DAY),
      note: 'A neutral venue',
    });
    await refused(
      us,
      'us-head',
      'invitation-response',
      { of: ref(invite), to: ref(invite), answer: 'accept' },
      409,
      'state_conflict',
      /^to: .* is superseded by .*; answer the current proposal/,
    );
    await refused(
      us,
      'us-head',
      'invitation-response',
      { of: ref(invite), to: ref(counter), answer: 'accept' },
      400,
      'ref_invalid',
      /answered by the other parties/,
    );
    await arrived(ru, counter);
    // The counter-proposal is now owed an answer by RU.
    const ruOwes = await api<{ obligations: Array<{ type: string; owedTo: string }> }>(
      ru,
      'ru-head',
      'GET',
      '/api/v1/obligations?direction=owing&channel=intel',
    );
    expect(ruOwes.body.obligations).toContainEqual(
      expect.objectContaining({ type: 'invitation-answer', owedTo: 'US' }),
    );
    await post(ru, 'ru-head', 'invitation-response', { of: ref(invite), to: ref(counter), answer: 'accept' });
    expect(await invitation(ru, invite.id)).toMatchObject({
      state: 'accepted',
      awaiting: [],
      current: { where: 'Geneva' },
    });
    await refused(
      ru,
      'ru-head',
      'invitation-response',
      { of: ref(invite), to: ref(counter), answer: 'decline' },
      409,
      'state_conflict',
      /already accepted/,
    );
  });

  it('once withdrawn, refuses answers and counter-proposals', async () => {
    const invite = await post(
      ru,
      'ru-head',
      'invitation-proposal',
      terms({ type: 'meeting', what: 'Meeting of experts' }),
    );
    await arrived(us, invite);
    await refused(
      us,
      'us-head',
      'invitation-withdraw',
      { of: ref(invite) },
      403,
      'forbidden',
      /only RU, who invited/,
    );
    const withdrawn = await post(ru, 'ru-head', 'invitation-withdraw', {
      of: ref(invite),
      reason: 'Overtaken by events',
    });
    await arrived(us, withdrawn);
    await refused(
      us,
      'us-head',
      'invitation-response',
      { of: ref(invite), to: ref(invite), answer: 'accept' },
      409,
      'state_conflict',
      /was withdrawn/,
    );
    await refused(
      us,
      'us-head',
      'invitation-counter',
      { of: ref(invite), to: ref(invite), where: 'Vienna', respondBy: day(clock.now() + 5 * DAY) },
      409,
      'state_conflict',
      /was withdrawn/,
    );
    expect((await invitation(us, invite.id)).state).toBe('withdrawn');
    const owing = await api<{ obligations: Array<{ item: { id: string } }> }>(
      us,
      'us-head',
      'GET',
      '/api/v1/obligations?direction=owing&channel=intel',
    );
    expect(owing.body.obligations.map((o) => o.item.id)).not.toContain(invite.id);
  });
});
