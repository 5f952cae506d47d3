/**
 * The statement fold: brackets resolved only when every party agrees to one proposal, reopened
 * until the whole text is approved, approvals of the settled text's exact hash, the release
 * needing every approval and freezing the text.
 */
import { describe, expect, it } from 'vitest';
import { loggedEntryMaker, refTo } from '../../core/test-support/logged-entries.js';
import { droppedBracket, foldVersion, foldVersionState, refusal, textHash } from './fold.js';
import { statementReleaseKind } from './kinds.js';

const entry = loggedEntryMaker({ start: '2026-02-21T10:00Z', role: 'head' });
const parties = () => ['RU', 'US'];
const TEXT = 'The parties [agree to begin talks | agree to prepare the ground for talks] in [March | April].';
const draft = () => entry('RU', 'statement-draft', { statement: 's', title: 'T', text: TEXT }, 0);

describe('the statement fold', () => {
  it('resolves a bracket only when every party agreed to the same proposal', () => {
    const v = draft();
    const proposal = entry('US', 'statement-resolution', { of: refTo(v), bracket: 1, text: 'March' }, 1);
    const proposed = foldVersion(v, [proposal], parties);
    expect(proposed.brackets[1]).toMatchObject({ resolved: false, resolution: `US/${proposal.seq}` });
    expect(proposed.settledText).toBe(TEXT);

    // The proposer agreeing again is refused: nobody resolves a bracket alone.
    const { state } = foldVersionState(v, [proposal], parties);
    expect(
      refusal(state, {
        kind: 'statement-resolution-agree',
        party: 'US',
        body: { of: refTo(v), resolution: refTo(proposal) },
      }),
    ).toMatchObject({
      code: 'already_exists',
      message: expect.stringContaining('not by its proposer alone'),
    });

    const agree = entry('RU', 'statement-resolution-agree', { of: refTo(v), resolution: refTo(proposal) }, 2);
    const agreed = foldVersion(v, [agree, proposal], parties);
    expect(agreed.brackets[1]).toMatchObject({ resolved: true });
    expect(agreed.resolutions[0]).toMatchObject({ state: 'agreed', agreedBy: ['US', 'RU'] });
    expect(agreed.settledText).toBe(
      'The parties [agree to begin talks | agree to prepare the ground for talks] in March.',
    );
    expect(agreed.open).toBe(1);
  });

  it('lets a newer proposal supersede an open one, and refuses agreeing to the superseded one', () => {
    const v = draft();
    const first = entry('US', 'statement-resolution', { of: refTo(v), bracket: 0, text: 'agree to talk' }, 1);
    const second = entry(
      'RU',
      'statement-resolution',
      { of: refTo(v), bracket: 0, text: 'agree to meet' },
      2,
    );
    const late = entry('RU', 'statement-resolution-agree', { of: refTo(v), resolution: refTo(first) }, 3);
    const fold = foldVersion(v, [first, second, late], parties);
    expect(fold.resolutions.map((r) => r.state)).toEqual(['superseded', 'proposed']);
    expect(fold.refused).toEqual([
      expect.objectContaining({ id: late.id, reason: expect.stringContaining('was superseded') }),
    ]);
  });

  it('reopens an agreed resolution until every party approved the whole text, and then not', () => {
    const v = entry('RU', 'statement-draft', { statement: 's', title: 'T', text: 'In [March | April].' }, 0);
    const p = entry('US', 'statement-resolution', { of: refTo(v), bracket: 0, text: 'March' }, 1);
    const a = entry('RU', 'statement-resolution-agree', { of: refTo(v), resolution: refTo(p) }, 2);
    const hash = textHash('In March.');
    const ruApproves = entry('RU', 'statement-approve', { of: refTo(v), textHash: hash }, 3);
    const reopen = entry(
      'US',
      'statement-reopen',
      { of: refTo(v), resolution: refTo(p), reason: 'Not yet' },
      4,
    );
    const reopened = foldVersion(v, [p, a, ruApproves, reopen], parties);
    expect(reopened).toMatchObject({ open: 1, settledText: 'In [March | April].', approvals: [] });
    expect(reopened.resolutions[0]).toMatchObject({ state: 'reopened', reopened: { reason: 'Not yet' } });

    const usApproves = entry('US', 'statement-approve', { of: refTo(v), textHash: hash }, 4);
    const { state } = foldVersionState(v, [p, a, ruApproves, usApproves], parties);
    expect(
      refusal(state, { kind: 'statement-reopen', party: 'US', body: { of: refTo(v), resolution: refTo(p) } }),
    ).toMatchObject({ code: 'state_conflict', message: expect.stringContaining('approved by every party') });
  });

  it('approves only the exact settled text with no bracket open', () => {
    const v = draft();
    const { state } = foldVersionState(v, [], parties);
    const approve = (hash: string) =>
      refusal(state, { kind: 'statement-approve', party: 'RU', body: { of: refTo(v), textHash: hash } });
    expect(approve(textHash(TEXT))).toMatchObject({
      code: 'state_conflict',
      message: expect.stringContaining('2 disputed'),
    });
    const plain = entry('RU', 'statement-draft', { statement: 's', title: 'T', text: 'Plain.' }, 0);
    const settled = foldVersionState(plain, [], parties).state;
    expect(
      refusal(settled, {
        kind: 'statement-approve',
        party: 'RU',
        body: { of: refTo(plain), textHash: textHash('Old.') },
      }),
    ).toMatchObject({ code: 'body_invalid', message: expect.stringContaining('stale') });
  });

  it('releases only after every approval, and freezes the text afterwards', () => {
    const v = entry('RU', 'statement-draft', { statement: 's', title: 'T', text: 'Plain.' }, 0);
    const hash = textHash('Plain.');
    const ru = entry('RU', 'statement-approve', { of: refTo(v), textHash: hash }, 1);
    const early = foldVersionState(v, [ru], parties).state;
    expect(
      refusal(early, { kind: 'statement-release', party: 'RU', body: { of: refTo(v), textHash: hash } }),
    ).toMatchObject({ code: 'state_conflict', message: expect.stringContaining('not approved yet by US') });
    const us = entry('US', 'statement-approve', { of: refTo(v), textHash: hash }, 2);
    const release = entry(
      'US',
      'statement-release',
      { of: refTo(v), textHash: hash, embargoUntil: '2026-02-22T09:00Z' },
      3,
    );
    const { state } = foldVersionState(v, [ru, us, release], parties);
    expect(state.release).toMatchObject({ embargoUntil: '2026-02-22T09:00Z' });
    expect(
      refusal(state, { kind: 'statement-release', party: 'RU', body: { of: refTo(v), textHash: hash } }),
    ).toMatchObject({
      code: 'already_exists',
      message: expect.stringContaining('nor earlier than its embargo'),
    });
    expect(
      refusal(state, {
        kind: 'statement-resolution',
        party: 'RU',
        body: { of: refTo(v), bracket: 0, text: 'x' },
      }),
    ).toMatchObject({ code: 'state_conflict', message: expect.stringContaining('frozen') });
  });

  it('refuses an embargo that is not in the future of the release itself', () => {
    const at = Date.parse('2026-02-22T09:00:00Z');
    const body = { of: { party: 'RU', seq: 1, hash: 'h'.repeat(64) }, textHash: 'a'.repeat(64) };
    expect(statementReleaseKind.timed!({ ...body, embargoUntil: '2026-02-22T09:00Z' }, at)).toContain(
      'embargoUntil',
    );
    expect(statementReleaseKind.timed!({ ...body, embargoUntil: '2026-02-22T09:01Z' }, at)).toBeNull();
    expect(statementReleaseKind.timed!(body, at)).toBeNull();
  });

  it('refuses a revision that drops a bracket not resolved by every party', () => {
    const v = draft();
    const p = entry('US', 'statement-resolution', { of: refTo(v), bracket: 1, text: 'March' }, 1);
    const a = entry('RU', 'statement-resolution-agree', { of: refTo(v), resolution: refTo(p) }, 2);
    const fold = foldVersion(v, [p, a], parties);
    expect(droppedBracket(fold, 'The parties agree to begin talks in March.')).toMatchObject({ index: 0 });
    expect(
      droppedBracket(
        fold,
        'Both parties [agree to begin talks | agree to prepare the ground for talks] in March.',
      ),
    ).toBeNull();
  });
});
