/**
 * Entries without effect in an offline audit: each workflow's fold names the entries its rules
 * refuse (a bracket agreed by its proposer alone, minutes of a cancelled briefing, an answer to
 * withdrawn terms, a commitment owned by nobody of a member party), and an honest record (a
 * statement agreed by both, a briefing held, a commitment accepted) gives no warning.
 */
import { describe, expect, it } from 'vitest';
import type { LoggedEntry } from '../../core/kinds.js';
import { loggedEntryMaker, refTo } from '../../core/test-support/logged-entries.js';
import { callMinutes, proposedCall } from '../contacts/briefings/test-support/briefing-entries.js';
import { summaryPointMaker } from '../contacts/readouts/test-support/summary-entries.js';
import { WorkflowRuleAudit, entriesWithoutEffect, type ChannelFacts } from './workflow-rules.js';

const entry = loggedEntryMaker({ start: '2026-02-10T09:00Z', role: 'head' });
const facts: ChannelFacts = {
  channel: 'c',
  parties: { RU: ['ru-ops'], US: ['us-ops'] },
  joined: { RU: '2026-02-10T08:00:00.000Z/000000', US: '2026-02-10T08:00:00.000Z/000000' },
};
const keys = () => [
  entry('RU', 'principal-key', { principal: 'ru-head', office: 'ru-ops', role: 'head', publicKey: 'k1' }, 0),
  entry('US', 'principal-key', { principal: 'us-head', office: 'us-ops', role: 'head', publicKey: 'k2' }, 0),
];
const briefing = () => proposedCall(entry, 1);
const minutes = (p: LoggedEntry, party: string, minute: number) => callMinutes(entry, p, party, minute);
/** A call cancelled by RU, and US's minutes of it written regardless (as on another node). */
const cancelledWithMinutes = () => {
  const cancelled = briefing();
  const cancel = entry('RU', 'briefing-change', { of: refTo(cancelled), change: 'cancel', reason: 'no' }, 2);
  return [cancelled, cancel, minutes(cancelled, 'US', 3)] as const;
};
const commitment = (owners: string[]) =>
  entry(
    'RU',
    'commitment',
    { commitment: 'weekly', what: 'contact', every: 'P1W', owners, from: '2026-02-10' },
    5,
  );
const TEXT = 'The parties agree in [March | April].';
/** A draft by RU, US's resolution of its bracket, and `party`'s agreement to that resolution. */
const bracketAgreedBy = (party: string) => {
  const draft = entry('RU', 'statement-draft', { statement: 's', title: 'T', text: TEXT }, 1);
  const proposal = entry('US', 'statement-resolution', { of: refTo(draft), bracket: 0, text: 'March' }, 2);
  const agree = entry(
    party,
    'statement-resolution-agree',
    { of: refTo(draft), resolution: refTo(proposal) },
    3,
  );
  return [draft, proposal, agree] as const;
};

describe('entries without effect', () => {
  it('finds none in an honest record: a statement agreed by both, a briefing held, a commitment accepted', () => {
    const [draft, proposal, agree] = bracketAgreedBy('RU');
    const b = briefing();
    const accept = entry('US', 'briefing-answer', { of: refTo(b), answer: 'accept' }, 2);
    const c = commitment(['ru-head', 'us-head']);
    const accepted = entry('US', 'commitment-accept', { of: refTo(c) }, 6);
    const record = [...keys(), draft, proposal, agree, b, accept, minutes(b, 'RU', 3), c, accepted];
    expect(entriesWithoutEffect(record, facts)).toEqual([]);
  });

  it('names a bracket resolution agreed by its proposer alone, with the fold’s reason', () => {
    const [draft, proposal, alone] = bracketAgreedBy('US');
    expect(entriesWithoutEffect([draft, proposal, alone], facts)).toEqual([
      {
        id: alone.id,
        kind: 'statement-resolution-agree',
        party: 'US',
        reason: expect.stringContaining('not by its proposer alone'),
      },
    ]);
  });

  it('names minutes of a cancelled briefing and a second set of minutes', () => {
    const [cancelled, cancel, late] = cancelledWithMinutes();
    const held = briefing();
    const accept = entry('US', 'briefing-answer', { of: refTo(held), answer: 'accept' }, 2);
    const first = minutes(held, 'RU', 3);
    const twice = minutes(held, 'US', 4);
    const found = entriesWithoutEffect([cancelled, cancel, late, held, accept, first, twice], facts);
    expect(found.map((f) => f.id)).toEqual([late.id, twice.id]);
    expect(found[0]!.reason).toContain('cancelled');
    expect(found[1]!.reason).toContain('already recorded');
  });

  it('names an amendment of minutes without effect, and entries naming no briefing of the channel', () => {
    const [cancelled, cancel, late] = cancelledWithMinutes();
    const amendLate = entry('US', 'briefing-amendment', { of: refTo(late), minutes: 'x', reason: 'y' }, 4);
    const ghost = { ...briefing(), id: 'c/RU/999', seq: 999 };
    const answerGhost = entry('US', 'briefing-answer', { of: refTo(ghost), answer: 'accept' }, 5);
    const amendGhost = entry('US', 'briefing-amendment', { of: refTo(ghost), minutes: 'x', reason: 'y' }, 6);
    const found = entriesWithoutEffect([cancelled, cancel, late, amendLate, answerGhost, amendGhost], facts);
    expect(found.map((f) => [f.id, f.kind])).toEqual([
      [late.id, 'briefing-record'],
      [amendLate.id, 'briefing-amendment'],
      [amendGhost.id, 'briefing-amendment'],
      [answerGhost.id, 'briefing-answer'],
    ]);
    expect(found[1]!.reason).toContain('not the minutes in effect');
    expect(found[2]!.reason).toContain('is not a briefing-record of this channel');
    expect(found[3]!.reason).toContain('is not a briefing-proposal of this channel');
  });

  it('names a signature of a joint summary point revised meanwhile', () => {
    const point = summaryPointMaker(entry, entry('RU', 'readout', { text: 'We meet in March.' }, 1));
    const first = point('RU', 2, 'version of RU');
    const stale = entry('US', 'summary-sign', { of: refTo(first) }, 3);
    const revised = point('RU', 4, 'revised by RU', first);
    const found = entriesWithoutEffect([...keys(), first, stale, revised], facts);
    expect(found).toEqual([
      expect.objectContaining({ id: stale.id, reason: expect.stringContaining('was revised') }),
    ]);
  });

  it('names an answer to a withdrawn invitation', () => {
    const invitation = entry(
      'RU',
      'invitation-proposal',
      {
        type: 'visit',
        what: 'Visit',
        where: 'Moscow',
        window: { from: '2026-03-01', to: '2026-03-05' },
        respondBy: '2026-02-20',
      },
      1,
    );
    const withdraw = entry('RU', 'invitation-withdraw', { of: refTo(invitation) }, 2);
    const answer = entry(
      'US',
      'invitation-response',
      { of: refTo(invitation), to: refTo(invitation), answer: 'accept' },
      3,
    );
    const found = entriesWithoutEffect([invitation, withdraw, answer], facts);
    expect(found).toEqual([
      expect.objectContaining({ id: answer.id, reason: expect.stringContaining('withdrawn') }),
    ]);
  });

  it('names a commitment owned by nobody of a member party, and an acceptance of it', () => {
    const c = commitment(['stranger']);
    const accept = entry('US', 'commitment-accept', { of: refTo(c) }, 6);
    const found = entriesWithoutEffect([...keys(), c, accept], facts);
    expect(found.map((f) => [f.id, f.kind])).toEqual([
      [c.id, 'commitment'],
      [accept.id, 'commitment-accept'],
    ]);
    expect(found[0]!.reason).toContain("'stranger' is not a person");
  });

  it('warns with the entry, its kind and the reason, from signed objects noted while streaming', () => {
    const audit = new WorkflowRuleAudit('c');
    const signed = (e: LoggedEntry) => ({ ...e, id: undefined, v: 1, channel: 'c', seen: {} });
    const [draft, proposal, alone] = bracketAgreedBy('US');
    for (const e of [draft, proposal, alone]) audit.note(e.party, e.seq, e.hash, signed(e));
    audit.note('RU', 99, 'h', { kind: 'note', body: { text: 'ignored' } });
    expect(audit.finish(facts.parties)).toEqual([
      {
        code: 'entry_without_effect',
        entry: alone.id,
        message: expect.stringMatching(
          new RegExp(`^${alone.id} \\(statement-resolution-agree\\) has no effect: resolution: US`),
        ),
      },
    ]);
  });
});
