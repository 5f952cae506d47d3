/**
 * The charter in force, folded from the signed log: the original charter, then every proposed
 * change in the same order on every node (clock, then party). A change takes effect once each
 * party of the channel *at that point* has signed it (the proposer) or an agreement to it, so a
 * party that joined later is not asked, after the fact, to agree to what was settled before it.
 */
import type { Objectives } from './objectives.js';

export interface CharterAmendment {
  languages?: string[];
  objectives?: Partial<Objectives>;
  observers?: Record<string, string[]>;
  /** Parties that join as writers, with their member offices. */
  parties?: Record<string, string[]>;
}

export interface CharterState {
  languages: string[];
  objectives: Partial<Objectives>;
  observers: Record<string, string[]>;
  parties: Record<string, string[]>;
}

export interface ProposedChange {
  change: 'suspend' | 'resume' | 'amend';
  charter?: CharterAmendment;
  /** The proposing party. */
  party: string;
  hlc: string;
  /** Parties that signed it: the proposer and every party that signed an agreement. */
  signedBy: string[];
}

export interface FoldedChange<T extends ProposedChange> {
  proposal: T;
  waitingFor: string[];
}

/** Orders proposals as every node does: by clock, then by party. */
export function compareProposals(
  a: { hlc: string; party: string },
  b: { hlc: string; party: string },
): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return a.party.localeCompare(b.party);
}

export function foldCharter<T extends ProposedChange>(
  initial: CharterState,
  proposals: T[],
): { charter: CharterState; changes: Array<FoldedChange<T>> } {
  let charter: CharterState = {
    languages: initial.languages,
    objectives: initial.objectives,
    observers: initial.observers,
    parties: initial.parties,
  };
  const changes: Array<FoldedChange<T>> = [];
  for (const proposal of [...proposals].sort(compareProposals)) {
    const waitingFor = Object.keys(charter.parties).filter((p) => !proposal.signedBy.includes(p));
    changes.push({ proposal, waitingFor });
    if (proposal.change === 'amend' && waitingFor.length === 0 && proposal.charter) {
      charter = applyAmendment(charter, proposal.charter);
    }
  }
  return { charter, changes };
}

function applyAmendment(charter: CharterState, amendment: CharterAmendment): CharterState {
  const next = { ...charter };
  if (amendment.languages) next.languages = amendment.languages;
  if (amendment.objectives) next.objectives = { ...charter.objectives, ...amendment.objectives };
  if (amendment.observers) next.observers = amendment.observers;
  if (amendment.parties) {
    // Parties are only ever added; a party that joins as a writer stops being an observer.
    const parties = { ...next.parties };
    const observers = { ...next.observers };
    for (const [party, offices] of Object.entries(amendment.parties)) {
      if (parties[party]) continue;
      parties[party] = offices;
      delete observers[party];
    }
    next.parties = parties;
    next.observers = observers;
  }
  return next;
}
