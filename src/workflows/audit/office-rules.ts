/**
 * The office rule of an offline audit (core/policy.ts, docs/FORMAT.md "Verification rules"):
 * an office belongs to one party, so a key publication (`principal-key`) must name a member or
 * observer office of the publishing party, and an entry by a person counts only if the office
 * published with the person's key is a member office of the author's party, in the charter
 * folded from the signed entries (core/charter-changes.ts). Entries are noted as they stream
 * past; what each author used is kept once per author and key, so memory stays with the
 * directory, not the log. The rule is checked at the end, once every chain's amendments are in.
 */
import { foldCharter, type CharterAmendment } from '../../core/charter-changes.js';
import { NODE_AUTHOR, entryId } from '../../core/entry.js';
import { authorOfficeProblem, publicationOfficeProblem, type ChannelOffices } from '../../core/policy.js';
import type { CharterEvidence } from './export-checks.js';
import type { AuditFailure } from './report.js';

type Fail = (entry: string, rule: AuditFailure['rule'], message: string) => void;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class OfficeAudit {
  /** `<party>\0<principal>\0<key>` → the office published with the key and where. */
  private readonly published = new Map<string, { office: string | null; entry: string }>();
  /** Key publications, in order, to check against the charter at the end. */
  private readonly publications: Array<{ party: string; office: string | null; entry: string }> = [];
  /** `<party>\0<principal>\0<key>` → the first entry signed with it. */
  private readonly authors = new Map<string, { party: string; entry: string }>();

  constructor(private readonly channel: string) {}

  /** Notes one entry's signed object (parsed from its canonical text). */
  note(party: string, seq: number, content: Record<string, unknown>): void {
    const entry = entryId(this.channel, party, seq);
    const body = isObject(content.body) ? content.body : {};
    if (content.kind === 'principal-key') {
      const office = typeof body.office === 'string' ? body.office : null;
      const key = `${party}\u0000${String(body.principal)}\u0000${String(body.publicKey)}`;
      if (!this.published.has(key)) this.published.set(key, { office, entry });
      this.publications.push({ party, office, entry });
      return;
    }
    if (typeof content.author !== 'string' || content.author === NODE_AUTHOR) return;
    const key = `${party}\u0000${content.author}\u0000${String(content.authorKey)}`;
    if (!this.authors.has(key)) this.authors.set(key, { party, entry });
  }

  /** Reports every publication and author whose office the charter does not give its party. */
  finish(charter: ChannelOffices, fail: Fail): void {
    for (const { party, office, entry } of this.publications) {
      const problem = publicationOfficeProblem(charter, party, office);
      if (problem) fail(entry, 'office_not_in_charter', problem);
    }
    for (const [key, { party, entry }] of this.authors) {
      const published = this.published.get(key);
      // A key never published is the chain verifier's `author_key_unknown`.
      if (!published) continue;
      const problem = authorOfficeProblem(charter, party, published.office);
      if (problem) fail(entry, 'office_not_in_charter', `signed by a person of ${problem}`);
    }
  }
}

/**
 * The offices the signed charter ever gave each party: members as folded (a party's offices are
 * fixed when it joins), and every observer office of the original charter or of an amendment
 * in effect (observers can be replaced later; a key published while one was listed stays valid).
 * Null when no charter is in the evidence (reported as `charter_missing` by the export checks).
 */
export function officesEverListed(evidence: CharterEvidence): ChannelOffices | null {
  if (!evidence.charter) return null;
  const body = evidence.charter.body;
  const proposals = evidence.proposals.map((p) => ({ ...p, signedBy: [...p.signedBy] }));
  for (const agreement of evidence.agreements) {
    const proposal = proposals.find(
      (p) => p.party === agreement.of.party && p.seq === agreement.of.seq && p.hash === agreement.of.hash,
    );
    if (proposal && !proposal.signedBy.includes(agreement.party)) proposal.signedBy.push(agreement.party);
  }
  const record = (v: unknown): Record<string, string[]> =>
    isObject(v) ? (v as Record<string, string[]>) : {};
  const initial = {
    languages: [],
    objectives: {},
    observers: record(body.observers),
    parties: record(body.parties),
  };
  const { charter, changes } = foldCharter(initial, proposals);
  const observers: Record<string, string[]> = {};
  const addObservers = (more: Record<string, string[]> | undefined): void => {
    for (const [party, offices] of Object.entries(more ?? {}))
      observers[party] = [...new Set([...(observers[party] ?? []), ...offices])];
  };
  addObservers(initial.observers);
  for (const { proposal, waitingFor } of changes) {
    const amendment: CharterAmendment | undefined = proposal.charter;
    if (proposal.change === 'amend' && waitingFor.length === 0) addObservers(amendment?.observers);
  }
  return { parties: charter.parties, observers };
}
