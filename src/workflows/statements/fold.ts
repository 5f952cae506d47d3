/**
 * One version of a joint statement, folded from what the parties did to it, pure:
 *
 * - `statement-resolution`: one party proposes the wording of one bracket (by its index). Its
 *   party agrees by proposing; a newer proposal for the same bracket supersedes an open one.
 * - `statement-resolution-agree`: another party agrees to the live proposal. A bracket counts
 *   resolved only when every party of the moment has agreed to the same proposal.
 * - `statement-reopen`: any party reopens a live proposal (agreed or not) — "nothing is agreed
 *   until everything is agreed" — until every party has approved the whole text.
 * - `statement-approve`: a head approves the hash of the settled text (the version's text with
 *   every resolved bracket replaced by its agreed wording), only when no bracket is open.
 * - `statement-release`: once every party approved that hash; optionally embargoed until a time.
 *   After it the statement is frozen: nothing may change it.
 *
 * Entries apply in timestamp order; one the version does not allow (written concurrently on
 * another node) is listed in `refused`, not applied. `refusal` is also the kind check before
 * signing and on receipt, so every node applies the same rules.
 */
import type { KindRuleError, LoggedEntry } from '../../core/kinds.js';
import { sha256Hex } from '../../core/hash.js';
import type { EntryRef } from '../obligations/kinds.js';
import { findBrackets, type Bracket } from './brackets.js';

export const STATEMENT_ACTIONS = [
  'statement-resolution',
  'statement-resolution-agree',
  'statement-reopen',
  'statement-approve',
  'statement-release',
] as const;

export type StatementActionKind = (typeof STATEMENT_ACTIONS)[number];

export interface ResolutionView {
  id: string;
  /** `<party>/<seq>`: how agreements and reopenings name it. */
  key: string;
  party: string;
  by: string;
  at: string;
  bracket: number;
  text: string;
  /** Parties that agreed, the proposer's first. */
  agreedBy: string[];
  state: 'proposed' | 'agreed' | 'superseded' | 'reopened';
  reopened: { id: string; party: string; by: string; at: string; reason: string } | null;
}

export interface BracketView extends Bracket {
  index: number;
  /** The bracket as written, `[a | b]`. */
  source: string;
  /** The live proposal (proposed or agreed), or null. */
  resolution: string | null;
  resolved: boolean;
}

export interface ApprovalView {
  id: string;
  party: string;
  by: string;
  at: string;
  textHash: string;
}

export interface ReleaseView {
  id: string;
  party: string;
  by: string;
  at: string;
  textHash: string;
  embargoUntil: string | null;
}

export interface VersionFold {
  brackets: BracketView[];
  resolutions: ResolutionView[];
  /** The text with every resolved bracket replaced by its agreed wording. */
  settledText: string;
  settledHash: string;
  /** Brackets not yet resolved by every party. */
  open: number;
  /** Approvals of the settled text's hash (an approval of an earlier settled text does not count). */
  approvals: ApprovalView[];
  release: ReleaseView | null;
  refused: Array<{ id: string; kind: string; party: string; reason: string }>;
}

export interface StatementAction {
  kind: StatementActionKind;
  party: string;
  /** The entry's clock, to know the parties of the moment (absent: now). */
  hlc?: string;
  body: {
    of: EntryRef;
    bracket?: number;
    text?: string;
    resolution?: EntryRef;
    textHash?: string;
    embargoUntil?: string;
  };
}

export interface Refusal {
  code: KindRuleError['code'];
  message: string;
}

/** The parties whose agreement counts at a clock reading (membership.ts `partiesAt`). */
export type PartiesAt = (hlc?: string) => string[];

const byClock = (a: LoggedEntry, b: LoggedEntry) =>
  a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.party < b.party ? -1 : a.party > b.party ? 1 : 0;

const keyOf = (ref: EntryRef) => `${ref.party}/${ref.seq}`;

export function textHash(text: string): string {
  return sha256Hex(text);
}

/** The text with each resolved bracket replaced, from the end so offsets stay valid. */
function settle(text: string, brackets: BracketView[], resolutions: Map<string, ResolutionView>): string {
  let settled = text;
  for (const bracket of [...brackets].reverse()) {
    const live = bracket.resolution ? resolutions.get(bracket.resolution) : undefined;
    if (bracket.resolved && live)
      settled = settled.slice(0, bracket.start) + live.text + settled.slice(bracket.end);
  }
  return settled;
}

class VersionState {
  readonly brackets: BracketView[];
  readonly resolutions = new Map<string, ResolutionView>();
  readonly allApprovals: ApprovalView[] = [];
  release: ReleaseView | null = null;
  settledText: string;
  settledHash: string;

  constructor(
    readonly version: LoggedEntry,
    readonly partiesAt: PartiesAt,
  ) {
    const text = version.body.text as string;
    this.brackets = findBrackets(text).map((b, index) => ({
      ...b,
      index,
      source: text.slice(b.start, b.end),
      resolution: null,
      resolved: false,
    }));
    this.settledText = text;
    this.settledHash = textHash(text);
  }

  get open(): number {
    return this.brackets.filter((b) => !b.resolved).length;
  }

  approvals(): ApprovalView[] {
    return this.allApprovals.filter((a) => a.textHash === this.settledHash);
  }

  approvedByEvery(hlc?: string): boolean {
    const approved = new Set(this.approvals().map((a) => a.party));
    return this.partiesAt(hlc).every((p) => approved.has(p));
  }

  resettle(): void {
    this.settledText = settle(this.version.body.text as string, this.brackets, this.resolutions);
    this.settledHash = textHash(this.settledText);
  }

  live(ref: EntryRef | undefined): ResolutionView | Refusal {
    const resolution = ref ? this.resolutions.get(keyOf(ref)) : undefined;
    if (!ref || !resolution)
      return {
        code: 'ref_invalid',
        message: `resolution: ${ref ? keyOf(ref) : '(none)'} is not a proposed resolution of ${this.version.id}`,
      };
    if (resolution.state === 'superseded' || resolution.state === 'reopened')
      return {
        code: 'state_conflict',
        message: `resolution: ${resolution.id} was ${resolution.state}; answer the live proposal for bracket ${resolution.bracket + 1}`,
      };
    return resolution;
  }
}

function frozen(state: VersionState, kind: StatementActionKind): Refusal | null {
  const release = state.release;
  if (!release) return null;
  const embargo = release.embargoUntil ? ` under embargo until ${release.embargoUntil}` : '';
  return {
    code: kind === 'statement-release' ? 'already_exists' : 'state_conflict',
    message:
      kind === 'statement-release'
        ? `${state.version.id} is already released${embargo} (${release.id}): it is not released twice, nor earlier than its embargo`
        : `${state.version.id} is released${embargo} (${release.id}): its text is frozen`,
  };
}

/** Why an action may not apply to the version as it stands, or null. */
export function refusal(state: VersionState, action: StatementAction): Refusal | null {
  const stop = frozen(state, action.kind);
  if (stop) return stop;
  const { body } = action;
  switch (action.kind) {
    case 'statement-resolution': {
      const bracket = state.brackets[body.bracket ?? -1];
      if (!bracket)
        return {
          code: 'body_invalid',
          message: `bracket: ${state.version.id} has ${state.brackets.length} disputed passage(s), numbered from 0; there is no bracket ${body.bracket}`,
        };
      if (findBrackets(body.text ?? '').length > 0)
        return { code: 'body_invalid', message: 'text: a resolution is a wording without brackets' };
      if (bracket.resolved)
        return {
          code: 'state_conflict',
          message: `bracket ${bracket.index}: resolved by every party (${bracket.resolution}); reopen it first`,
        };
      return null;
    }
    case 'statement-resolution-agree': {
      const live = state.live(body.resolution);
      if ('code' in live) return live;
      if (live.agreedBy.includes(action.party))
        return {
          code: 'already_exists',
          message:
            live.party === action.party
              ? `resolution: ${action.party} proposed ${live.id}; a bracket is resolved only when every other party agrees, not by its proposer alone`
              : `resolution: ${action.party} has already agreed to ${live.id}`,
        };
      return null;
    }
    case 'statement-reopen': {
      const live = state.live(body.resolution);
      if ('code' in live) return live;
      if (state.open === 0 && state.approvedByEvery(action.hlc))
        return {
          code: 'state_conflict',
          message: `resolution: the whole text of ${state.version.id} is approved by every party; nothing can be reopened now`,
        };
      return null;
    }
    case 'statement-approve': {
      if (state.open > 0)
        return {
          code: 'state_conflict',
          message: `${state.version.id} still has ${state.open} disputed passage(s) in brackets not resolved by every party: approve once none is open`,
        };
      if (body.textHash !== state.settledHash)
        return {
          code: 'body_invalid',
          message: `textHash: ${body.textHash ?? ''} is stale or wrong; the text of ${state.version.id} as resolved now hashes to ${state.settledHash}`,
        };
      if (state.approvals().some((a) => a.party === action.party))
        return {
          code: 'already_exists',
          message: `${action.party} has already approved this text of ${state.version.id}`,
        };
      return null;
    }
    case 'statement-release': {
      if (body.textHash !== state.settledHash)
        return {
          code: 'body_invalid',
          message: `textHash: ${body.textHash ?? ''} is not the approved text of ${state.version.id} (${state.settledHash})`,
        };
      const approved = new Set(state.approvals().map((a) => a.party));
      const missing = state.partiesAt(action.hlc).filter((p) => !approved.has(p));
      if (state.open > 0 || missing.length > 0)
        return {
          code: 'state_conflict',
          message: `not approved yet by ${missing.join(', ') || 'anyone'}: nothing is released without every party`,
        };
      return null;
    }
  }
}

function apply(state: VersionState, entry: LoggedEntry): void {
  const body = entry.body as unknown as StatementAction['body'] & { reason?: string };
  switch (entry.kind as StatementActionKind) {
    case 'statement-resolution': {
      const bracket = state.brackets[body.bracket!]!;
      const previous = bracket.resolution ? state.resolutions.get(bracket.resolution) : undefined;
      if (previous) previous.state = 'superseded';
      const key = `${entry.party}/${entry.seq}`;
      state.resolutions.set(key, {
        id: entry.id,
        key,
        party: entry.party,
        by: entry.author,
        at: entry.hlc,
        bracket: bracket.index,
        text: body.text!,
        agreedBy: [entry.party],
        state: 'proposed',
        reopened: null,
      });
      bracket.resolution = key;
      break;
    }
    case 'statement-resolution-agree': {
      const resolution = state.resolutions.get(keyOf(body.resolution!))!;
      resolution.agreedBy.push(entry.party);
      const every = state.partiesAt(entry.hlc).every((p) => resolution.agreedBy.includes(p));
      if (every) {
        resolution.state = 'agreed';
        state.brackets[resolution.bracket]!.resolved = true;
      }
      break;
    }
    case 'statement-reopen': {
      const resolution = state.resolutions.get(keyOf(body.resolution!))!;
      resolution.state = 'reopened';
      resolution.reopened = {
        id: entry.id,
        party: entry.party,
        by: entry.author,
        at: entry.hlc,
        reason: body.reason ?? '',
      };
      const bracket = state.brackets[resolution.bracket]!;
      bracket.resolution = null;
      bracket.resolved = false;
      break;
    }
    case 'statement-approve':
      state.allApprovals.push({
        id: entry.id,
        party: entry.party,
        by: entry.author,
        at: entry.hlc,
        textHash: body.textHash!,
      });
      break;
    case 'statement-release':
      state.release = {
        id: entry.id,
        party: entry.party,
        by: entry.author,
        at: entry.hlc,
        textHash: body.textHash!,
        embargoUntil: body.embargoUntil ?? null,
      };
      break;
  }
  state.resettle();
}

/** The state of one version: the rules' view (`refusal`) and the fold's result. */
export function foldVersionState(
  version: LoggedEntry,
  actions: readonly LoggedEntry[],
  partiesAt: PartiesAt,
): { state: VersionState; refused: VersionFold['refused'] } {
  const state = new VersionState(version, partiesAt);
  const refused: VersionFold['refused'] = [];
  for (const entry of [...actions].sort(byClock)) {
    const refusedBy = refusal(state, {
      kind: entry.kind as StatementActionKind,
      party: entry.party,
      hlc: entry.hlc,
      body: entry.body as unknown as StatementAction['body'],
    });
    if (refusedBy)
      refused.push({ id: entry.id, kind: entry.kind, party: entry.party, reason: refusedBy.message });
    else apply(state, entry);
  }
  return { state, refused };
}

/** One version folded for views. */
export function foldVersion(
  version: LoggedEntry,
  actions: readonly LoggedEntry[],
  partiesAt: PartiesAt,
): VersionFold {
  const { state, refused } = foldVersionState(version, actions, partiesAt);
  return {
    brackets: state.brackets,
    resolutions: [...state.resolutions.values()],
    settledText: state.settledText,
    settledHash: state.settledHash,
    open: state.open,
    approvals: state.approvals(),
    release: state.release,
    refused,
  };
}

/**
 * Whether a revision keeps every bracket of the version it revises that is not resolved by
 * every party: one party may not remove a disputed passage alone. Null, or the first bracket
 * dropped.
 */
export function droppedBracket(previous: VersionFold, revisedText: string): BracketView | null {
  const kept = new Map<string, number>();
  for (const b of findBrackets(revisedText)) {
    const source = revisedText.slice(b.start, b.end);
    kept.set(source, (kept.get(source) ?? 0) + 1);
  }
  for (const bracket of previous.brackets) {
    if (bracket.resolved) continue;
    const left = kept.get(bracket.source) ?? 0;
    if (left === 0) return bracket;
    kept.set(bracket.source, left - 1);
  }
  return null;
}

/**
 * Every statement action of a channel that its version gives no effect, with the fold's reason,
 * for the offline audit (audit/workflow-rules.ts). Each draft is folded with the actions naming
 * it, as queries.ts folds the current one.
 */
export function refusedStatementEntries(
  entries: readonly LoggedEntry[],
  channel: string,
  partiesAt: PartiesAt,
): VersionFold['refused'] {
  const actionsOf = new Map<string, LoggedEntry[]>();
  for (const e of entries) {
    if (!(STATEMENT_ACTIONS as readonly string[]).includes(e.kind)) continue;
    const of = e.body.of as unknown as EntryRef;
    const key = `${channel}/${of.party}/${of.seq}`;
    actionsOf.set(key, [...(actionsOf.get(key) ?? []), e]);
  }
  return entries
    .filter((e) => e.kind === 'statement-draft')
    .flatMap((d) => foldVersionState(d, actionsOf.get(d.id) ?? [], partiesAt).refused);
}
