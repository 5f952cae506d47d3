import { describe, expect, it } from 'vitest';
import type { LoggedEntry } from '../../../core/kinds.js';
import { loggedEntryMaker, refTo } from '../../../core/test-support/logged-entries.js';
import { foldInvitation, overdue } from './fold.js';
import { invitationCounterKind, invitationProposalKind } from './kinds.js';

const entry = loggedEntryMaker({ start: '2026-02-10T09:00Z', role: 'head' });
const invite = () =>
  entry(
    'RU',
    'invitation-proposal',
    {
      type: 'visit',
      what: 'Visit',
      where: 'Moscow',
      window: { from: '2026-03-10', to: '2026-03-12' },
      respondBy: '2026-02-20',
    },
    0,
  );
/** The other side answers the invitation with another place and a later answer date. */
const counterToGeneva = (p: LoggedEntry) =>
  entry(
    'US',
    'invitation-counter',
    { of: refTo(p), to: refTo(p), where: 'Geneva', respondBy: '2026-02-25' },
    1,
  );

describe('the invitation fold', () => {
  it('moves the question to the other side with each counter-proposal, and closes on acceptance', () => {
    const p = invite();
    const counter = counterToGeneva(p);
    const accept = entry(
      'RU',
      'invitation-response',
      { of: refTo(p), to: refTo(counter), answer: 'accept' },
      2,
    );
    const open = foldInvitation(p, [counter], ['RU', 'US']);
    expect(open).toMatchObject({
      state: 'open',
      awaiting: ['RU'],
      current: { where: 'Geneva', window: { from: '2026-03-10' } },
    });
    expect(overdue(open, Date.parse('2026-02-25T23:59:00Z'))).toBe(false);
    expect(overdue(open, Date.parse('2026-02-26T00:00:01Z'))).toBe(true);
    expect(foldInvitation(p, [counter, accept], ['RU', 'US'])).toMatchObject({
      state: 'accepted',
      awaiting: [],
    });
  });

  it('lists, not applies, an answer to superseded terms or one written after the withdrawal', () => {
    const p = invite();
    const counter = counterToGeneva(p);
    const stale = entry('US', 'invitation-response', { of: refTo(p), to: refTo(p), answer: 'accept' }, 2);
    const withdraw = entry('RU', 'invitation-withdraw', { of: refTo(p) }, 3);
    const late = entry(
      'US',
      'invitation-response',
      { of: refTo(p), to: refTo(counter), answer: 'decline' },
      4,
    );
    const view = foldInvitation(p, [late, withdraw, stale, counter], ['RU', 'US']);
    expect(view.state).toBe('withdrawn');
    expect(view.refused.map((r) => [r.id, r.reason.split(':')[0]])).toEqual([
      [stale.id, 'to'],
      [late.id, `the invitation ${p.id} was withdrawn (${withdraw.id})`],
    ]);
  });
});

describe('invitation rules checked by every node', () => {
  it('refuses an answer date that is not after the entry’s own timestamp', () => {
    const body = {
      type: 'visit' as const,
      what: 'x',
      where: 'y',
      window: { from: '2026-03-10', to: '2026-03-12' },
      respondBy: '2026-02-20',
    };
    expect(invitationProposalKind.timed!(body, Date.parse('2026-02-20T23:00:00Z'))).toBeNull();
    expect(invitationProposalKind.timed!(body, Date.parse('2026-02-21T00:00:00Z'))).toMatch(
      /^respondBy: .*must be in the future/,
    );
    const counter = {
      of: { party: 'RU', seq: 1, hash: 'h'.repeat(64) },
      to: { party: 'RU', seq: 1, hash: 'h'.repeat(64) },
      where: 'Geneva',
      respondBy: '2026-02-01T10:00Z',
    };
    expect(invitationCounterKind.timed!(counter, Date.parse('2026-02-01T10:00:00Z'))).toMatch(/^respondBy: /);
  });
});
