// Keeping contact: a briefing held once accepted, both readouts, an invitation, a commitment tracked.
import { describe, expect, it } from 'vitest';
import { api } from './support/node-process.js';
import type { InProcessParty } from './support/in-process.js';
import { arrived, MINUTE, post, ref, refused, useWorkflowPair } from './support/intel-pair.js';

let ru: InProcessParty;
let us: InProcessParty;
const clock = useWorkflowPair((a, b) => void ([ru, us] = [a, b]));

describe('keeping contact', () => {
  it('holds a briefing only once accepted, keeps both readouts, answers an invitation, and tracks a commitment', async () => {
    const briefing = await post(ru, 'ru-duty', 'briefing-proposal', {
      type: 'call',
      title: 'Call between the services heads',
      agenda: ['Exercise notifications'],
      start: new Date(clock.now()).toISOString(),
      durationMinutes: 30,
      participants: ['ru-ops', 'us-ops'],
    });
    const minutes = {
      of: ref(briefing),
      heldAt: new Date(clock.now()).toISOString(),
      durationMinutes: 28,
      minutes: 'Held.',
      attended: ['ru-ops', 'us-ops'],
      noShows: [],
    };
    const early = await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'briefing-record',
          body: minutes,
        }),
      409,
      'state_conflict',
    );
    expect(early).toContain('not accepted yet by US');
    await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'briefing-answer',
          body: { of: ref(briefing), answer: 'accept' },
        }),
      400,
      'ref_invalid',
    );
    await arrived(us, briefing);
    const accept = await post(us, 'us-duty', 'briefing-answer', { of: ref(briefing), answer: 'accept' });
    await arrived(ru, accept);
    clock.advance(MINUTE);
    await post(ru, 'ru-duty', 'briefing-record', minutes);
    await post(
      ru,
      'ru-duty',
      'readout',
      { of: ref(briefing), text: 'The sides agreed to stay in contact.' },
      { lang: 'en' },
    );
    const theirs = await post(
      us,
      'us-duty',
      'readout',
      { of: ref(briefing), text: 'The sides agreed to stay in contact. No date was set.' },
      { lang: 'en' },
    );
    await arrived(ru, theirs);
    const listed = await api<{
      briefings: Array<{
        occurrences: Array<{ minutes: { durationMinutes: number } | null; waitingFor: string[] }>;
        readouts: Array<{ party: string }>;
      }>;
    }>(ru, 'ru-head', 'GET', '/api/v1/channels/intel/briefings');
    expect(listed.body.briefings[0]!.occurrences).toEqual([
      expect.objectContaining({ waitingFor: [], minutes: expect.objectContaining({ durationMinutes: 28 }) }),
    ]);
    expect(listed.body.briefings[0]!.readouts.map((r) => r.party)).toEqual(['RU', 'US']);

    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const invitation = await post(ru, 'ru-head', 'invitation-proposal', {
      type: 'visit',
      what: 'Visit to Moscow',
      where: 'Moscow',
      window: { from: day(clock.now() + 30 * 86_400_000), to: day(clock.now() + 32 * 86_400_000) },
      respondBy: day(clock.now() + 10 * 86_400_000),
    });
    await arrived(us, invitation);
    const pending = async () =>
      (
        await api<{ invitations: Array<{ state: string }> }>(
          us,
          'us-head',
          'GET',
          '/api/v1/channels/intel/invitations',
        )
      ).body.invitations[0]!.state;
    expect(await pending()).toBe('open');
    await post(us, 'us-head', 'invitation-response', {
      of: ref(invitation),
      to: ref(invitation),
      answer: 'decline',
      note: 'Dates under review',
    });
    expect(await pending()).toBe('declined');

    const from = new Date(clock.now() - 20 * 86_400_000).toISOString();
    await refused(
      ru,
      () =>
        api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'commitment',
          body: { commitment: 'monthly-briefing', what: 'briefing', every: 'P1M', owners: ['ru-head'], from },
        }),
      403,
      'forbidden',
    );
    await post(ru, 'ru-head', 'commitment', {
      commitment: 'contact',
      what: 'contact',
      every: 'P14D',
      owners: ['ru-head', 'us-head'],
      source: 'Order to keep momentum',
      from,
    });
    const { body } = await api<{
      commitments: Array<{
        commitment: string;
        state: string;
        awaiting: string[];
        cadence: { periods: Array<{ kept: boolean }>; kept: boolean | null };
      }>;
    }>(ru, 'ru-head', 'GET', '/api/v1/commitments?channel=intel');
    // It binds RU, who proposed it, from the period it was made in (period one, 20 to 6 days ago,
    // bound nobody and is not listed); US only once US accepts it. The period now has both parties.
    expect(body.commitments[0]).toMatchObject({ state: 'proposed', awaiting: ['US'] });
    expect(body.commitments[0]!.cadence.periods.map((p) => p.kept)).toEqual([true]);
    expect(body.commitments[0]!.cadence.kept).toBeNull();
  });
});
