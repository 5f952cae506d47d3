/**
 * The workflows' log-dependent rules in an offline audit: entries that a workflow's fold gives
 * no effect (a bracket resolved by its proposer alone, minutes of a cancelled briefing, an answer
 * to withdrawn terms, a signature of a revised summary point, a commitment owned by no person of
 * a member party…) are authentic and chained, so not failures, but an auditor must see that the
 * record holds them: each is an `entry_without_effect` warning with the fold's own reason, so
 * each rule stays defined once.
 * Only entries of the kinds the rules read are kept while the chains stream past.
 */
import { entryId, type EntryContent } from '../../core/entry.js';
import type { LoggedEntry } from '../../core/kinds.js';
import { partiesAt, type Joined } from '../../core/membership.js';
import { refusedBriefingEntries } from '../contacts/briefings/fold.js';
import { refusedCommitmentEntries } from '../contacts/commitment-fold.js';
import { refusedInvitationEntries } from '../contacts/invitations/fold.js';
import { foldSummaries } from '../contacts/readouts/summary-fold.js';
import { refusedStatementEntries } from '../statements/fold.js';
import type { AuditWarning } from './report.js';

/** An entry without effect and why, as the folds list it under `refused`. */
export interface VoidEntry {
  id: string;
  kind: string;
  party: string;
  reason: string;
}

/** What the rules are given about a channel: its member parties with their offices, who joined when. */
export interface ChannelFacts {
  channel: string;
  parties: Record<string, string[]>;
  joined: Joined;
}

/** One workflow's rules: the kinds they read and the entries they give no effect. */
interface WorkflowRules {
  kinds: readonly string[];
  refused: (entries: readonly LoggedEntry[], facts: ChannelFacts) => VoidEntry[];
}

export const WORKFLOW_RULES: readonly WorkflowRules[] = [
  {
    kinds: [
      'briefing-proposal',
      'briefing-answer',
      'briefing-change',
      'briefing-record',
      'briefing-amendment',
    ],
    refused: (entries, f) => refusedBriefingEntries(entries, f.channel, f.parties),
  },
  {
    kinds: ['invitation-proposal', 'invitation-counter', 'invitation-response', 'invitation-withdraw'],
    refused: (entries, f) => refusedInvitationEntries(entries, f.channel, Object.keys(f.parties)),
  },
  {
    kinds: [
      'statement-draft',
      'statement-resolution',
      'statement-resolution-agree',
      'statement-reopen',
      'statement-approve',
      'statement-release',
    ],
    // The parties of the moment, as statements/queries.ts: those whose chain had begun.
    refused: (entries, f) => refusedStatementEntries(entries, f.channel, (hlc) => partiesAt(f.joined, hlc)),
  },
  {
    kinds: ['summary-point', 'summary-sign'],
    // A joint summary is signed by the parties whose chains had begun, as readouts/queries.ts.
    refused: (entries, f) =>
      foldSummaries(
        f.channel,
        entries.filter((e) => e.kind === 'summary-point'),
        entries.filter((e) => e.kind === 'summary-sign'),
        partiesAt(f.joined),
      ).refused,
  },
  {
    kinds: ['commitment', 'commitment-accept', 'principal-key'],
    refused: (entries, f) => refusedCommitmentEntries(entries, f.parties),
  },
];

const RULE_KINDS = new Set(WORKFLOW_RULES.flatMap((r) => r.kinds));

/** Every entry of one channel that some workflow's rules give no effect. */
export function entriesWithoutEffect(entries: readonly LoggedEntry[], facts: ChannelFacts): VoidEntry[] {
  return WORKFLOW_RULES.flatMap((rules) => {
    const kinds = new Set(rules.kinds);
    return rules.refused(
      entries.filter((e) => kinds.has(e.kind)),
      facts,
    );
  });
}

/** The warning an auditor reads for one entry without effect. */
export function voidEntryWarning(entry: VoidEntry): AuditWarning {
  return {
    code: 'entry_without_effect',
    entry: entry.id,
    message: `${entry.id} (${entry.kind}) has no effect: ${entry.reason}`,
  };
}

/** Collects, while a channel's chains stream past, the entries the rules read and when each party joined. */
export class WorkflowRuleAudit {
  private readonly entries: LoggedEntry[] = [];
  private readonly joined: Joined = {};

  constructor(private readonly channel: string) {}

  /** Notes one entry's signed object (parsed from its canonical text). */
  note(party: string, seq: number, hash: string, content: Record<string, unknown>): void {
    const signed = content as unknown as EntryContent;
    if (seq === 0 && typeof signed.hlc === 'string') this.joined[party] = signed.hlc;
    if (typeof signed.kind !== 'string' || !RULE_KINDS.has(signed.kind)) return;
    this.entries.push({
      id: entryId(this.channel, party, seq),
      party,
      seq,
      hash,
      kind: signed.kind,
      author: signed.author,
      precedence: signed.precedence,
      lang: signed.lang,
      hlc: signed.hlc,
      ...(signed.marking ? { marking: signed.marking } : {}),
      body: signed.body,
    });
  }

  /**
   * The warnings for the channel, given its member parties. A fold that throws on an entry
   * it cannot read (a malformed body the chain verifier reports) yields one warning, not a crash.
   */
  finish(parties: Record<string, string[]>): AuditWarning[] {
    const joined = Object.fromEntries(Object.entries(this.joined).filter(([p]) => parties[p]));
    try {
      return entriesWithoutEffect(this.entries, { channel: this.channel, parties, joined }).map(
        voidEntryWarning,
      );
    } catch (error) {
      return [
        {
          code: 'workflow_rules_unchecked',
          entry: this.channel,
          message: `${this.channel}: the workflow rules could not be applied: ${(error as Error).message}`,
        },
      ];
    }
  }
}
