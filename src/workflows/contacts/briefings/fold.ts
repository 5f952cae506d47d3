/**
 * A briefing's state, folded from its proposal and the entries about it, pure. Entries apply in
 * timestamp order; one that the state does not allow (a second set of minutes, an answer after
 * the cancellation, written concurrently on two nodes) is not applied but listed in `refused`
 * with the reason, never hidden. `refusal` is the same rule the kind check applies before an
 * entry is signed, so what a node signs is what every view applies.
 */
import type { KindRuleError, LoggedEntry } from '../../../core/kinds.js';
import type { EntryRef } from '../../obligations/kinds.js';
import { occurrences } from './recurrence.js';
import { iso } from './times.js';

/** The kinds whose entries name a proposal (`ref` = the proposal). */
export const BRIEFING_ACTIONS = ['briefing-answer', 'briefing-change', 'briefing-record'] as const;

export type OccurrenceState = 'proposed' | 'accepted' | 'declined' | 'postponed' | 'cancelled' | 'held';

export interface AnswerView {
  id: string;
  party: string;
  by: string;
  at: string;
  answer: 'accept' | 'decline';
  reason: string | null;
  /** Given for the whole series. */
  series: boolean;
}

export interface ChangeView {
  id: string;
  party: string;
  by: string;
  at: string;
  change: 'reschedule' | 'postpone' | 'cancel';
  reason: string;
  start: string | null;
}

export interface MinutesView {
  id: string;
  party: string;
  by: string;
  at: string;
  heldAt: string;
  durationMinutes: number;
  /** The minutes as amended last. */
  text: string;
  original: string;
  attended: string[];
  noShows: Array<{ office: string; reason: string }>;
  amendments: Array<{ id: string; party: string; by: string; at: string; minutes: string; reason: string }>;
}

export interface OccurrenceView {
  /** Its original start: what entries name it by. */
  occurrence: string;
  start: string;
  durationMinutes: number;
  state: OccurrenceState;
  answers: AnswerView[];
  waitingFor: string[];
  changes: ChangeView[];
  minutes: MinutesView | null;
}

export interface BriefingView {
  id: string;
  party: string;
  proposedBy: string;
  at: string;
  type: 'briefing' | 'call';
  title: string;
  agenda: string[];
  start: string;
  durationMinutes: number;
  participants: Array<{ office: string; party: string | null }>;
  rrule: string | null;
  occurrences: OccurrenceView[];
  refused: Array<{ id: string; kind: string; party: string; reason: string }>;
}

interface ProposalBody {
  type: 'briefing' | 'call';
  title: string;
  agenda: string[];
  start: string;
  durationMinutes: number;
  participants: string[];
  rrule?: string;
}

/** What an action names: the proposal and, optionally, one occurrence. */
export interface BriefingAction {
  kind: (typeof BRIEFING_ACTIONS)[number];
  party: string;
  body: { of: EntryRef; occurrence?: string; answer?: string; change?: string };
}

export interface Refusal {
  code: KindRuleError['code'];
  message: string;
}

/** The parties taking part: those of the participant offices. */
function partiesOf(view: BriefingView): string[] {
  return [...new Set(view.participants.map((p) => p.party).filter((p): p is string => p !== null))];
}

function stateOf(view: BriefingView, o: OccurrenceView, postponed: boolean, cancelled: boolean) {
  const others = partiesOf(view).filter((p) => p !== view.party);
  o.waitingFor = others.filter((p) => !o.answers.some((a) => a.party === p && a.answer === 'accept'));
  o.state = o.minutes
    ? 'held'
    : cancelled
      ? 'cancelled'
      : postponed
        ? 'postponed'
        : o.answers.some((a) => a.answer === 'decline')
          ? 'declined'
          : o.waitingFor.length === 0
            ? 'accepted'
            : 'proposed';
}

/** The occurrences an action targets, or why it cannot name them. */
function targets(view: BriefingView, action: BriefingAction): OccurrenceView[] | Refusal {
  const { occurrence } = action.body;
  if (occurrence !== undefined) {
    const at = Date.parse(occurrence);
    const found = view.occurrences.find((o) => Date.parse(o.occurrence) === at);
    return found
      ? [found]
      : { code: 'ref_invalid', message: `occurrence: ${occurrence} is not an occurrence of ${view.id}` };
  }
  const series = view.rrule !== null;
  if (series && (action.kind === 'briefing-record' || action.body.change === 'reschedule'))
    return {
      code: 'body_invalid',
      message: `occurrence: ${view.id} recurs; name the occurrence (its original start)`,
    };
  return view.occurrences;
}

/**
 * Why minutes `recordId` may not be amended, or null: only minutes in effect (those of a held
 * occurrence) are amended; minutes the fold refused (of a cancelled briefing, a second set) stay
 * without effect, and so would an amendment of them.
 */
export function amendmentRefusal(view: BriefingView, recordId: string): Refusal | null {
  if (view.occurrences.some((o) => o.minutes?.id === recordId)) return null;
  return {
    code: 'state_conflict',
    message: `of: ${recordId} are not the minutes in effect of any occurrence of ${view.id} (minutes without effect are not amended)`,
  };
}

/**
 * Why an action may not apply to the briefing as it stands, or null. The same rules are the
 * kind check before signing and the fold's, so a node signs only what views apply.
 */
export function refusal(view: BriefingView, action: BriefingAction): Refusal | null {
  const named = targets(view, action);
  if (!Array.isArray(named)) return named;
  const parties = partiesOf(view);
  if (action.party !== view.party && !parties.includes(action.party))
    return { code: 'forbidden', message: `${action.party} takes no part in ${view.id}` };
  const open = named.filter((o) => o.state !== 'held' && o.state !== 'cancelled');
  const one = named.length === 1 ? named[0]! : null;
  if (open.length === 0) {
    const state = one ? one.state : 'held or cancelled';
    const what = one ? `the occurrence ${one.occurrence} of ${view.id}` : `every occurrence of ${view.id}`;
    if (action.kind === 'briefing-record' && one?.minutes)
      return {
        code: 'already_exists',
        message: `minutes of ${what} are already recorded (${one.minutes.id}); change them with a briefing-amendment`,
      };
    return {
      code: 'state_conflict',
      message:
        action.kind === 'briefing-record' && state === 'cancelled'
          ? `${what} is cancelled: no minutes are recorded for a cancelled briefing`
          : `${what} is ${state}`,
    };
  }
  switch (action.kind) {
    case 'briefing-answer': {
      if (action.party === view.party)
        return {
          code: 'ref_invalid',
          message: 'the other parties answer a briefing, not the one proposing it',
        };
      const same = open.every((o) =>
        o.answers.some((a) => a.party === action.party && a.answer === action.body.answer),
      );
      if (same)
        return {
          code: 'already_exists',
          message: `${action.party} has already answered ${action.body.answer}`,
        };
      return null;
    }
    case 'briefing-change':
      if (action.body.change === 'postpone' && open.every((o) => o.state === 'postponed'))
        return { code: 'state_conflict', message: `${one ? one.occurrence : view.id} is already postponed` };
      return null;
    case 'briefing-record': {
      const o = one!;
      if (o.state === 'postponed')
        return {
          code: 'state_conflict',
          message: `the occurrence ${o.occurrence} is postponed: reschedule it before recording it as held`,
        };
      if (o.waitingFor.length > 0)
        return {
          code: 'state_conflict',
          message: `the briefing is not accepted yet by ${o.waitingFor.join(', ')}`,
        };
      if (o.state === 'declined') return { code: 'state_conflict', message: `the briefing was declined` };
      return null;
    }
  }
}

const byClock = (a: LoggedEntry, b: LoggedEntry) =>
  a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Folds a proposal and the entries naming it (answers, changes, records, and amendments of the
 * records) into its view. `offices` are the channel's member offices by party.
 */
export function foldBriefing(
  proposal: LoggedEntry,
  related: readonly LoggedEntry[],
  offices: Record<string, string[]>,
): BriefingView {
  const body = proposal.body as unknown as ProposalBody;
  const partyOf = (office: string) =>
    Object.entries(offices).find(([, list]) => list.includes(office))?.[0] ?? null;
  const view: BriefingView = {
    id: proposal.id,
    party: proposal.party,
    proposedBy: proposal.author,
    at: proposal.hlc,
    type: body.type,
    title: body.title,
    agenda: body.agenda,
    start: body.start,
    durationMinutes: body.durationMinutes,
    participants: body.participants.map((office) => ({ office, party: partyOf(office) })),
    rrule: body.rrule ?? null,
    occurrences: [],
    refused: [],
  };
  const flags = new Map<OccurrenceView, { postponed: boolean; cancelled: boolean }>();
  for (const start of occurrences(Date.parse(body.start), body.rrule)) {
    const o: OccurrenceView = {
      occurrence: iso(start),
      start: iso(start),
      durationMinutes: body.durationMinutes,
      state: 'proposed',
      answers: [],
      waitingFor: [],
      changes: [],
      minutes: null,
    };
    flags.set(o, { postponed: false, cancelled: false });
    view.occurrences.push(o);
  }
  const settle = (o: OccurrenceView) => stateOf(view, o, flags.get(o)!.postponed, flags.get(o)!.cancelled);
  view.occurrences.forEach(settle);
  const minutesById = new Map<string, MinutesView>();
  for (const entry of [...related].sort(byClock)) {
    if (entry.kind === 'briefing-amendment') {
      const of = entry.body.of as unknown as EntryRef;
      const recordId = `${proposal.id.split('/')[0]}/${of.party}/${of.seq}`;
      const held = minutesById.get(recordId);
      if (!held) {
        const reason = amendmentRefusal(view, recordId)!.message;
        view.refused.push({ id: entry.id, kind: entry.kind, party: entry.party, reason });
        continue;
      }
      const text = entry.body.minutes as string;
      held.amendments.push({
        id: entry.id,
        party: entry.party,
        by: entry.author,
        at: entry.hlc,
        minutes: text,
        reason: entry.body.reason as string,
      });
      held.text = text;
      continue;
    }
    const action = { kind: entry.kind, party: entry.party, body: entry.body } as unknown as BriefingAction;
    const refused = refusal(view, action);
    if (refused) {
      view.refused.push({ id: entry.id, kind: entry.kind, party: entry.party, reason: refused.message });
      continue;
    }
    const named = targets(view, action) as OccurrenceView[];
    const open = named.filter((o) => o.state !== 'held' && o.state !== 'cancelled');
    const b = entry.body as Record<string, unknown>;
    for (const o of open) {
      if (entry.kind === 'briefing-answer') {
        o.answers = o.answers.filter((a) => a.party !== entry.party);
        o.answers.push({
          id: entry.id,
          party: entry.party,
          by: entry.author,
          at: entry.hlc,
          answer: b.answer as 'accept' | 'decline',
          reason: (b.reason as string | undefined) ?? null,
          series: b.occurrence === undefined,
        });
      } else if (entry.kind === 'briefing-change') {
        const change = b.change as ChangeView['change'];
        o.changes.push({
          id: entry.id,
          party: entry.party,
          by: entry.author,
          at: entry.hlc,
          change,
          reason: b.reason as string,
          start: (b.start as string | undefined) ?? null,
        });
        const f = flags.get(o)!;
        if (change === 'cancel') f.cancelled = true;
        if (change === 'postpone') f.postponed = true;
        if (change === 'reschedule') {
          f.postponed = false;
          o.start = iso(Date.parse(b.start as string));
          if (b.durationMinutes !== undefined) o.durationMinutes = b.durationMinutes as number;
          // A new time is a new question: the answers given for the old one no longer hold.
          o.answers = [];
        }
      } else {
        const text = b.minutes as string;
        o.minutes = {
          id: entry.id,
          party: entry.party,
          by: entry.author,
          at: entry.hlc,
          heldAt: b.heldAt as string,
          durationMinutes: b.durationMinutes as number,
          text,
          original: text,
          attended: b.attended as string[],
          noShows: b.noShows as unknown as MinutesView['noShows'],
          amendments: [],
        };
        minutesById.set(entry.id, o.minutes);
      }
      settle(o);
    }
  }
  return view;
}

/**
 * Every briefing entry of a channel that the fold gives no effect, with the fold's reason, for
 * the offline audit (audit/workflow-rules.ts): the same grouping as queries.ts channelBriefings.
 */
export function refusedBriefingEntries(
  entries: readonly LoggedEntry[],
  channel: string,
  offices: Record<string, string[]>,
): BriefingView['refused'] {
  const named = (e: LoggedEntry) => {
    const of = e.body.of as { party?: string; seq?: number } | undefined;
    return `${channel}/${of?.party}/${of?.seq}`;
  };
  const byTarget = new Map<string, LoggedEntry[]>();
  const recordOf = new Map<string, string>();
  for (const e of entries) {
    if (!(BRIEFING_ACTIONS as readonly string[]).includes(e.kind)) continue;
    byTarget.set(named(e), [...(byTarget.get(named(e)) ?? []), e]);
    if (e.kind === 'briefing-record') recordOf.set(e.id, named(e));
  }
  const strays: BriefingView['refused'] = [];
  for (const e of entries) {
    if (e.kind !== 'briefing-amendment') continue;
    const briefing = recordOf.get(named(e));
    if (briefing) byTarget.get(briefing)!.push(e);
    else
      strays.push({
        id: e.id,
        kind: e.kind,
        party: e.party,
        reason: `of: ${named(e)} is not a briefing-record of this channel`,
      });
  }
  // Entries naming a proposal the channel does not hold are refused too (a proposal is never lost).
  const proposals = new Set(entries.filter((e) => e.kind === 'briefing-proposal').map((e) => e.id));
  for (const [target, list] of byTarget)
    if (!proposals.has(target))
      for (const e of list.filter((x) => x.kind !== 'briefing-amendment'))
        strays.push({
          id: e.id,
          kind: e.kind,
          party: e.party,
          reason: `of: ${target} is not a briefing-proposal of this channel`,
        });
  return [
    ...entries
      .filter((e) => e.kind === 'briefing-proposal')
      .flatMap((p) => foldBriefing(p, byTarget.get(p.id) ?? [], offices).refused),
    ...strays,
  ];
}
