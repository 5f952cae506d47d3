/**
 * An invitation's thread, folded from its proposal, counter-proposals, answers and withdrawal,
 * pure. Every counter-proposal supersedes the terms before it; answers and counters name the
 * terms they answer (`to`), and apply only to the current terms of a thread not withdrawn. Like
 * the briefing fold, entries apply in timestamp order and one the thread does not allow (written
 * concurrently on another node) is listed in `refused`, not hidden; `refusal` is also the kind
 * check before signing.
 */
import type { KindRuleError, LoggedEntry } from '../../../core/kinds.js';
import type { EntryRef } from '../../obligations/kinds.js';
import { deadlineOf } from '../briefings/times.js';

export const INVITATION_ACTIONS = [
  'invitation-counter',
  'invitation-response',
  'invitation-withdraw',
] as const;

export interface Window {
  from: string;
  to: string;
}

export interface TermsView {
  id: string;
  party: string;
  by: string;
  at: string;
  where: string;
  window: Window;
  respondBy: string;
  note: string | null;
}

export interface InvitationView {
  id: string;
  party: string;
  by: string;
  at: string;
  type: 'visit' | 'meeting';
  what: string;
  text: string | null;
  /** The terms in force: the proposal or the latest counter-proposal. */
  current: TermsView;
  /** Every set of terms, oldest first. */
  proposals: TermsView[];
  answers: Array<{
    id: string;
    party: string;
    by: string;
    at: string;
    to: string;
    answer: 'accept' | 'decline';
    note: string | null;
  }>;
  state: 'open' | 'accepted' | 'declined' | 'withdrawn';
  /** The parties still to answer the current terms. */
  awaiting: string[];
  withdrawn: { id: string; by: string; at: string; reason: string | null } | null;
  refused: Array<{ id: string; kind: string; party: string; reason: string }>;
}

export interface InvitationAction {
  kind: (typeof INVITATION_ACTIONS)[number];
  party: string;
  body: { of: EntryRef; to?: EntryRef; answer?: string };
}

export interface Refusal {
  code: KindRuleError['code'];
  message: string;
}

/** Why an action may not apply to the thread as it stands, or null. */
export function refusal(view: InvitationView, action: InvitationAction): Refusal | null {
  if (view.withdrawn)
    return {
      code: 'state_conflict',
      message: `the invitation ${view.id} was withdrawn (${view.withdrawn.id}): no answer, counter-proposal or withdrawal after it`,
    };
  if (action.kind === 'invitation-withdraw') {
    if (action.party !== view.party)
      return { code: 'forbidden', message: `only ${view.party}, who invited, withdraws ${view.id}` };
    return null;
  }
  const to = action.body.to!;
  const named = view.proposals.find((p) => p.id.endsWith(`/${to.party}/${to.seq}`));
  if (!named)
    return { code: 'ref_invalid', message: `to: ${to.party}/${to.seq} is not a proposal of ${view.id}` };
  if (named !== view.current)
    return {
      code: 'state_conflict',
      message: `to: ${named.id} is superseded by ${view.current.id}; answer the current proposal`,
    };
  if (view.state !== 'open')
    return { code: 'state_conflict', message: `the invitation ${view.id} is already ${view.state}` };
  if (action.party === view.current.party)
    return {
      code: 'ref_invalid',
      message: `a proposal is answered by the other parties, not by ${action.party}`,
    };
  if (!view.awaiting.includes(action.party))
    return { code: 'already_exists', message: `${action.party} has already answered ${view.current.id}` };
  return null;
}

const byClock = (a: LoggedEntry, b: LoggedEntry) =>
  a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

function terms(entry: LoggedEntry, base?: TermsView): TermsView {
  const b = entry.body as Record<string, unknown>;
  return {
    id: entry.id,
    party: entry.party,
    by: entry.author,
    at: entry.hlc,
    where: (b.where as string | undefined) ?? base!.where,
    window: (b.window as unknown as Window | undefined) ?? base!.window,
    respondBy: b.respondBy as string,
    note: ((b.note ?? b.text) as string | undefined) ?? null,
  };
}

/**
 * Folds an invitation and the entries naming it into its thread. `parties` are the channel's
 * parties: every one but the proposer of the current terms is asked to answer them.
 */
export function foldInvitation(
  proposal: LoggedEntry,
  related: readonly LoggedEntry[],
  parties: readonly string[],
): InvitationView {
  const body = proposal.body as Record<string, unknown>;
  const first = terms(proposal);
  first.note = null;
  const view: InvitationView = {
    id: proposal.id,
    party: proposal.party,
    by: proposal.author,
    at: proposal.hlc,
    type: body.type as 'visit' | 'meeting',
    what: body.what as string,
    text: (body.text as string | undefined) ?? null,
    current: first,
    proposals: [first],
    answers: [],
    state: 'open',
    awaiting: parties.filter((p) => p !== proposal.party),
    withdrawn: null,
    refused: [],
  };
  for (const entry of [...related].sort(byClock)) {
    const action = { kind: entry.kind, party: entry.party, body: entry.body } as unknown as InvitationAction;
    const refused = refusal(view, action);
    if (refused) {
      view.refused.push({ id: entry.id, kind: entry.kind, party: entry.party, reason: refused.message });
      continue;
    }
    const b = entry.body as Record<string, unknown>;
    if (entry.kind === 'invitation-withdraw') {
      view.withdrawn = {
        id: entry.id,
        by: entry.author,
        at: entry.hlc,
        reason: (b.reason as string | undefined) ?? null,
      };
      view.state = 'withdrawn';
      view.awaiting = [];
    } else if (entry.kind === 'invitation-counter') {
      view.current = terms(entry, view.current);
      view.proposals.push(view.current);
      view.awaiting = parties.filter((p) => p !== entry.party);
    } else {
      const answer = b.answer as 'accept' | 'decline';
      view.answers.push({
        id: entry.id,
        party: entry.party,
        by: entry.author,
        at: entry.hlc,
        to: view.current.id,
        answer,
        note: (b.note as string | undefined) ?? null,
      });
      view.awaiting = view.awaiting.filter((p) => p !== entry.party);
      if (answer === 'decline') view.state = 'declined';
      else if (view.awaiting.length === 0) view.state = 'accepted';
    }
  }
  return view;
}

/** Whether the current terms' answer date has passed at `now` with answers still awaited. */
export function overdue(view: InvitationView, now: number): boolean {
  return view.state === 'open' && now > deadlineOf(view.current.respondBy);
}

/**
 * Every invitation entry of a channel that its thread gives no effect, with the fold's reason,
 * for the offline audit (audit/workflow-rules.ts): the same grouping as queries.ts.
 */
export function refusedInvitationEntries(
  entries: readonly LoggedEntry[],
  channel: string,
  parties: readonly string[],
): InvitationView['refused'] {
  const byThread = new Map<string, LoggedEntry[]>();
  for (const e of entries) {
    if (!(INVITATION_ACTIONS as readonly string[]).includes(e.kind)) continue;
    const of = e.body.of as { party: string; seq: number };
    const key = `${channel}/${of.party}/${of.seq}`;
    byThread.set(key, [...(byThread.get(key) ?? []), e]);
  }
  return entries
    .filter((e) => e.kind === 'invitation-proposal')
    .flatMap((p) => foldInvitation(p, byThread.get(p.id) ?? [], parties).refused);
}
