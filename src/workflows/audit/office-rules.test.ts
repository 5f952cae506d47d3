import { describe, expect, it } from 'vitest';
import type { AuditFailure } from './report.js';
import { emptyEvidence, collectCharterEvidence } from './export-checks.js';
import { OfficeAudit, officesEverListed } from './office-rules.js';

const charter = {
  kind: 'charter',
  hlc: '2026-01-01T00:00:00.000Z/000000',
  body: { parties: { RU: ['ru-ops'], US: ['us-ops'] }, observers: { US: ['us-watch'] } },
};
const key = (principal: string, office: string | null) => ({
  kind: 'principal-key',
  author: 'node',
  body: { principal, office, role: 'head', title: '', publicKey: `${principal}-key` },
});
const note = (author: string) => ({ kind: 'note', author, authorKey: `${author}-key`, body: { text: 'x' } });

function audit(entries: Array<[string, number, Record<string, unknown>]>): AuditFailure[] {
  const evidence = emptyEvidence();
  const offices = new OfficeAudit('intel');
  for (const [party, seq, content] of entries) {
    collectCharterEvidence(party, seq, `h${party}${seq}`, content, evidence);
    offices.note(party, seq, content);
  }
  const failures: AuditFailure[] = [];
  offices.finish(officesEverListed(evidence)!, (entry, rule, message) =>
    failures.push({ entry, rule, message }),
  );
  return failures;
}

describe('the office rule of the audit', () => {
  it('accepts keys and entries of offices the charter lists for the same party', () => {
    expect(
      audit([
        ['RU', 0, charter],
        ['RU', 1, key('ru-head', 'ru-ops')],
        ['RU', 2, note('ru-head')],
        ['US', 0, { kind: 'charter-accept', body: {} }],
        ['US', 1, key('us-head', 'us-ops')],
        ['US', 2, key('us-eyes', 'us-watch')],
        ['US', 3, note('us-head')],
      ]),
    ).toEqual([]);
  });

  it("refuses another party's office, a key with no office, and an observer who writes", () => {
    const failures = audit([
      ['RU', 0, charter],
      ['RU', 1, key('ru-mole', 'us-ops')],
      ['RU', 2, note('ru-mole')],
      ['RU', 3, key('ru-admin', null)],
      ['US', 0, { kind: 'charter-accept', body: {} }],
      ['US', 1, key('us-eyes', 'us-watch')],
      ['US', 2, note('us-eyes')],
    ]);
    expect(failures.map((f) => f.entry)).toEqual(['intel/RU/1', 'intel/RU/3', 'intel/RU/2', 'intel/US/2']);
    expect(new Set(failures.map((f) => f.rule))).toEqual(new Set(['office_not_in_charter']));
  });

  it('gives a party added by an amendment its offices once every party has signed it', () => {
    const amend = {
      kind: 'channel-change',
      hlc: '2026-01-02T00:00:00.000Z/000000',
      body: { change: 'amend', reason: 'FR joins', charter: { parties: { FR: ['fr-ops'] } } },
    };
    const agree = { kind: 'channel-change-agree', body: { of: { party: 'RU', seq: 1, hash: 'hRU1' } } };
    const frEntries: Array<[string, number, Record<string, unknown>]> = [
      ['FR', 0, { kind: 'charter-accept', body: {} }],
      ['FR', 1, key('fr-head', 'fr-ops')],
      ['FR', 2, note('fr-head')],
    ];
    expect(audit([['RU', 0, charter], ['RU', 1, amend], ...frEntries])).toHaveLength(2);
    expect(audit([['RU', 0, charter], ['RU', 1, amend], ['US', 0, agree], ...frEntries])).toEqual([]);
  });
});
