import { describe, expect, it } from 'vitest';
import type { LoggedEntry } from '../../core/kinds.js';
import { foldCommitments } from './commitment-fold.js';

const hlc = (minute: number) => `2026-02-14T09:${String(minute).padStart(2, '0')}:00.000Z/000000`;
let counter = 0;
function entry(
  party: string,
  kind: string,
  author: string,
  minute: number,
  body: Record<string, unknown>,
): LoggedEntry {
  const seq = counter++;
  return {
    id: `intel/${party}/${seq}`,
    party,
    seq,
    hash: `${seq}`.padStart(64, '0'),
    kind,
    author,
    precedence: 'ROUTINE',
    lang: 'en',
    hlc: hlc(minute),
    body: body as LoggedEntry['body'],
  };
}
const key = (party: string, principal: string, office: string | null, role: string) =>
  entry(party, 'principal-key', 'node', 0, { principal, office, role, title: principal, publicKey: 'k' });
const parties = { RU: ['ru-ops'], US: ['us-ops'] };
const keys = [
  key('RU', 'ru-head', 'ru-ops', 'head'),
  key('RU', 'ru-duty', 'ru-ops', 'duty-officer'),
  key('US', 'us-head', 'us-ops', 'head'),
  key('US', 'us-duty', 'us-ops', 'duty-officer'),
  key('US', 'nato-watch', 'us-ops', 'observer'),
];
const propose = (owners: string[], name = 'monthly', minute = 1, author = 'ru-head') =>
  entry('RU', 'commitment', author, minute, {
    commitment: name,
    what: 'briefing',
    every: 'P1M',
    owners,
    from: '2026-02-14',
  });
const accept = (of: LoggedEntry, party: string, author: string, minute: number) =>
  entry(party, 'commitment-accept', author, minute, { of: { party: of.party, seq: of.seq, hash: of.hash } });

describe('commitments', () => {
  it('bind the proposing party at once and the other only once it accepts', () => {
    const c = propose(['ru-head', 'us-head']);
    const [before] = foldCommitments([c], [], keys, parties);
    expect(before).toMatchObject({ state: 'proposed', parties: ['RU', 'US'], awaiting: ['US'] });
    expect(Object.keys(before!.bound)).toEqual(['RU']);
    const [after] = foldCommitments(
      [c],
      [accept(c, 'US', 'us-duty', 2), accept(c, 'US', 'us-head', 3)],
      keys,
      parties,
    );
    // A duty officer who is not an owner cannot accept for US; the head can.
    expect(after!.refused.map((r) => r.reason)).toEqual([expect.stringMatching(/only the head/)]);
    expect(after).toMatchObject({ state: 'binding', awaiting: [] });
    expect(Object.keys(after!.bound).sort()).toEqual(['RU', 'US']);
  });

  it('bind nobody when an owner is not a person of a member party, or is an observer', () => {
    const [stranger] = foldCommitments([propose(['ru-head', 'us-ghost'])], [], keys, parties);
    expect(stranger).toMatchObject({ state: 'refused', bound: {} });
    expect(stranger!.problem).toMatch(/'us-ghost' is not a person of any party/);
    const [observer] = foldCommitments([propose(['nato-watch'])], [], keys, parties);
    expect(observer!.problem).toMatch(/observer/);
  });

  it('refuse an acceptance by a party that owns nothing in it, a second acceptance and a second proposal of one name', () => {
    const c = propose(['ru-head']);
    const again = propose(['ru-head', 'us-head'], 'monthly', 5);
    const [first, second] = foldCommitments([c, again], [accept(c, 'US', 'us-head', 2)], keys, parties);
    expect(first!.refused[0]!.reason).toMatch(/names no owner of US/);
    expect(first!.state).toBe('binding');
    expect(second!.state).toBe('refused');
    expect(second!.problem).toMatch(/already exists/);
    const [proposal] = foldCommitments([propose(['ru-head'], 'x', 1, 'ru-duty')], [], keys, parties);
    expect(proposal!.problem).toMatch(/only the head/);
  });
});
