/**
 * The briefing kinds' checks before signing read the fold: an amendment is signed only for the
 * minutes in effect, never for minutes the fold gives no effect (a second set written concurrently).
 */
import { describe, expect, it } from 'vitest';
import { checkContextOver, loggedEntryMaker, refTo } from '../../../core/test-support/logged-entries.js';
import { briefingAmendmentKind } from './kinds.js';
import { callMinutes, proposedCall } from './test-support/briefing-entries.js';

const entry = loggedEntryMaker({ start: '2026-02-10T09:00Z', role: 'duty' });
const channel = { id: 'c', parties: { RU: ['ru-ops'], US: ['us-ops'] }, observers: {}, languages: ['en'] };

describe('the briefing-amendment check', () => {
  it('signs an amendment of the minutes in effect and refuses one of minutes without effect', async () => {
    const call = proposedCall(entry, 0);
    const accept = entry('US', 'briefing-answer', { of: refTo(call), answer: 'accept' }, 1);
    const kept = callMinutes(entry, call, 'RU', 3);
    const second = callMinutes(entry, call, 'US', 4);
    const context = checkContextOver([call, accept, kept, second], channel, 'US');
    const amend = (of: typeof kept) => ({
      of: refTo(of),
      minutes: 'Corrected.',
      reason: 'A point was left out',
    });
    await expect(briefingAmendmentKind.check!(context, amend(kept))).resolves.toBeUndefined();
    await expect(briefingAmendmentKind.check!(context, amend(second))).rejects.toMatchObject({
      code: 'state_conflict',
      message: expect.stringContaining('not the minutes in effect'),
    });
  });
});
