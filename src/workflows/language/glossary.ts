/**
 * The glossary of agreed terms: which proposals every party has signed, and whether a
 * translation renders each agreed term the way the parties agreed. Pure: no storage, no clock.
 *
 * Matching is by exact word form, case-insensitive, after Unicode NFC normalisation. Inflection
 * is out of scope: Russian «договор» does not match «договора», so an inflected term in the
 * original is not noticed, and an inflected rendering in the translation is flagged. The
 * warnings are advice to the translator and the reader, never a refusal.
 */
import { partiesAt, type Joined } from '../../core/membership.js';

/** A term as the check sees it: its id and its rendering per language. */
export interface GlossaryTerm {
  term: string;
  renderings: Record<string, string>;
}

/** An agreed term the original uses whose agreed rendering the translation lacks. */
export interface GlossaryWarning {
  term: string;
  /** The agreed rendering in the translation's language. */
  expected: string;
  /** The agreed rendering in the original's language, as found in the original. */
  original: string;
}

export interface LanguageText {
  lang: string;
  text: string;
}

// Scripts that separate words with spaces: a rendering must stand as a whole word there. In
// other scripts (Chinese, Japanese, Thai) words are not delimited, so a substring is a match.
const WORD_SCRIPT = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;

function pattern(rendering: string): RegExp | null {
  const words = rendering.normalize('NFC').trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return null;
  const body = words.map((w) => w.replace(REGEX_SPECIAL, '\\$&')).join('\\s+');
  const first = words[0]!.charAt(0);
  const last = words.at(-1)!.at(-1)!;
  const before = WORD_SCRIPT.test(first) ? '(?<![\\p{L}\\p{N}\\p{M}])' : '';
  const after = WORD_SCRIPT.test(last) ? '(?![\\p{L}\\p{N}\\p{M}])' : '';
  return new RegExp(`${before}${body}${after}`, 'iu');
}

/**
 * Whether `text` contains `rendering` as a whole word (or words, any whitespace between them),
 * ignoring case. Hyphens and apostrophes count as word boundaries.
 */
export function containsRendering(text: string, rendering: string): boolean {
  const regex = pattern(rendering);
  return regex !== null && regex.test(text.normalize('NFC'));
}

/**
 * Compares a translation with its original against the agreed terms: for each term whose
 * rendering in the original's language occurs in the original, the translation must contain the
 * term's rendering in its own language. Terms lacking either language are skipped.
 */
export function checkGlossary(
  original: LanguageText,
  translation: LanguageText,
  terms: readonly GlossaryTerm[],
): GlossaryWarning[] {
  const warnings: GlossaryWarning[] = [];
  for (const term of terms) {
    const source = term.renderings[original.lang];
    const expected = term.renderings[translation.lang];
    if (source === undefined || expected === undefined) continue;
    if (containsRendering(original.text, source) && !containsRendering(translation.text, expected)) {
      warnings.push({ term: term.term, expected, original: source });
    }
  }
  return warnings;
}

/** A signed `glossary-term` proposal or `glossary-agree`, as the resolver needs it. */
export interface GlossarySignature {
  /** Entry id, `<channel>/<party>/<seq>`. */
  id: string;
  party: string;
  seq: number;
  hash: string;
  author: string;
  hlc: string;
}

export interface GlossaryProposal extends GlossarySignature {
  term: string;
  renderings: Record<string, string>;
  note?: string;
}

export interface GlossaryAgreement extends GlossarySignature {
  of: { party: string; seq: number; hash: string };
}

/** A proposed term as the glossary shows it, agreed or not. */
interface TermView {
  term: string;
  renderings: Record<string, string>;
  note?: string;
  /** The proposal entry. */
  id: string;
  hash: string;
  proposedBy: { party: string; author: string; at: string };
  agreedBy: string[];
}

export interface AgreedTerm extends TermView {
  /** Clock of the signature that completed the agreement. */
  agreedAt: string;
  /** The earlier agreed proposal of the same term this one replaced, if any. */
  supersedes: string | null;
}

export interface PendingTerm extends TermView {
  waitingFor: string[];
}

export interface GlossaryState {
  agreed: AgreedTerm[];
  pending: PendingTerm[];
}

/** Every node orders signatures the same way: by hybrid logical clock, then party. */
function byClock(a: GlossarySignature, b: GlossarySignature): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return a.party < b.party ? -1 : a.party > b.party ? 1 : a.seq - b.seq;
}

/**
 * Resolves the glossary from its signed entries. A proposal is agreed once every party that had
 * joined (`joined`, see membership.ts) by the latest signature has signed it (the proposer by
 * proposing, the others with a `glossary-agree` naming its hash). Of the agreed proposals of one term, the latest (by clock) is in force. Proposals
 * not yet agreed are pending only when they are later than the term in force; an older one
 * could never take effect.
 */
export function resolveGlossary(
  proposals: readonly GlossaryProposal[],
  agreements: readonly GlossaryAgreement[],
  joined: Joined,
): GlossaryState {
  const ordered = [...proposals].sort(byClock);
  const inForce = new Map<string, AgreedTerm>();
  let pending: PendingTerm[] = [];
  for (const proposal of ordered) {
    const signatures = [
      proposal,
      ...agreements
        .filter(
          (a) => a.of.party === proposal.party && a.of.seq === proposal.seq && a.of.hash === proposal.hash,
        )
        .sort(byClock),
    ];
    // Agreed once every party of the moment has signed: a party that joins later neither undoes
    // an agreed term nor is skipped for one still open when it joined.
    const agreedBy: string[] = [];
    let completedAt: string | null = null;
    for (const signature of signatures) {
      if (agreedBy.includes(signature.party) || !partiesAt(joined, signature.hlc).includes(signature.party))
        continue;
      agreedBy.push(signature.party);
      if (partiesAt(joined, signature.hlc).every((p) => agreedBy.includes(p))) {
        completedAt = signature.hlc;
        break;
      }
    }
    const waitingFor = completedAt === null ? partiesAt(joined).filter((p) => !agreedBy.includes(p)) : [];
    const common = {
      term: proposal.term,
      renderings: proposal.renderings,
      ...(proposal.note !== undefined ? { note: proposal.note } : {}),
      id: proposal.id,
      hash: proposal.hash,
      proposedBy: { party: proposal.party, author: proposal.author, at: proposal.hlc },
      agreedBy,
    };
    if (completedAt === null) {
      pending.push({ ...common, waitingFor });
      continue;
    }
    const previous = inForce.get(proposal.term);
    inForce.set(proposal.term, { ...common, agreedAt: completedAt, supersedes: previous?.id ?? null });
    // Earlier proposals of this term can no longer take effect.
    pending = pending.filter((p) => p.term !== proposal.term);
  }
  const agreed = [...inForce.values()].sort((a, b) => a.term.localeCompare(b.term));
  return { agreed, pending };
}
