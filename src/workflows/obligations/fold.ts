/**
 * Who owes what to whom in a channel, derived from the log alone: every node computes the same
 * answer from the same entries, and time is a parameter, so deadlines are tested in virtual time.
 *
 * For each item (an entry that expects an answer) sent by party A, every other member party B owes
 * - delivery: B's node signs a `received` receipt covering it (before the delivery deadline);
 * - a response: a person of B signs `understood`, or an explicit `declined`; `deferred` moves the
 *   deadline to the time it names;
 * and when B's `understood` carries a read-back, A owes a review of it: `confirmed` closes the
 * item, `corrected` reopens B's response. A clarification request by B on an item of A is owed
 * an answer by A. Observers owe nothing.
 */
import { parseHlc } from '../../core/hlc.js';
import type { Precedence } from '../../core/entry.js';
import { positionOf, type EntryPosition, type LoggedEntry } from '../../core/kinds.js';
import type { ObligationType, EscalationStep } from './kinds.js';
import type { Objectives } from '../../core/objectives.js';
import { compareFields, type FieldComparison } from './read-back.js';

export interface ChannelFacts {
  id: string;
  /** Member parties (observers owe nothing). */
  parties: string[];
  objectives: Objectives;
  /**
   * When each party's chain began (ms since the epoch). A party owes nothing for items sent
   * before it joined (a party added later), nor anything while its chain has not begun. Absent:
   * every party owes from the start.
   */
  joined?: Record<string, number>;
}

export interface Obligation {
  type: ObligationType;
  channel: string;
  /** The entry that is owed something: the item, the receipt with a read-back, or the request. */
  about: EntryBrief;
  /** The item the exchange started from. */
  item: EntryBrief;
  owedBy: string;
  owedTo: string;
  /** Milliseconds since the epoch. */
  since: number;
  due: number;
  overdue: boolean;
  /** Why the deadline is what it is: a deferral, an open correction. */
  note: string | null;
  /** What it is about, when the item has a subject of its own (a note's subject, an invitation's what). */
  subject?: string;
  /** The opening words of the item's text, so that a row says what is owed without opening it. */
  excerpt?: string;
}

/** Characters of an item's text shown beside what is owed (README "What I owe"). */
export const EXCERPT_LENGTH = 140;

/** The item's own subject and the opening words of its text, where it has them. */
export function describeItem(item: LoggedEntry): Pick<Obligation, 'subject' | 'excerpt'> {
  const { subject, text } = item.body;
  const words = typeof text === 'string' ? text.replace(/\s+/g, ' ').trim() : '';
  return {
    ...(typeof subject === 'string' && subject.trim() ? { subject: subject.trim() } : {}),
    ...(words ? { excerpt: cutAtWord(words, EXCERPT_LENGTH) } : {}),
  };
}

/** `text` within `max` characters, cut after a whole word where one ends late enough, with "…". */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const space = head.lastIndexOf(' ');
  return `${(space > max / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

export interface EntryBrief extends EntryPosition {
  precedence: Precedence;
  marking?: string;
}

export type ResponseState =
  | 'awaiting'
  | 'deferred'
  | 'declined'
  | 'understood'
  | 'readback-pending'
  | 'readback-confirmed'
  | 'readback-corrected';

export interface PartyResponse {
  party: string;
  state: ResponseState;
  /** The entry that set this state (receipt, response or review). */
  by: EntryBrief | null;
  detail: string | null;
  fields: FieldComparison[] | null;
}

const MINUTE = 60_000;

export function timeOf(entry: LoggedEntry): number {
  return parseHlc(entry.hlc)?.wall ?? 0;
}

function joinedBy(channel: ChannelFacts, party: string, time: number): boolean {
  if (!channel.joined) return true;
  const joined = channel.joined[party];
  return joined !== undefined && joined <= time;
}

export function brief(entry: LoggedEntry): EntryBrief {
  return {
    ...positionOf(entry),
    precedence: entry.precedence as Precedence,
    ...(entry.marking ? { marking: entry.marking } : {}),
  };
}

const key = (entry: LoggedEntry): string => `${entry.party}/${entry.seq}`;
const byTime = (a: LoggedEntry, b: LoggedEntry): number => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0);

/** The channel's log, indexed for the questions below. */
export class ChannelLedger {
  readonly items: LoggedEntry[];
  private readonly receivedUpTo = new Map<string, number>();
  private readonly answers: Map<string, LoggedEntry[]>;
  private readonly reviews: Map<string, LoggedEntry[]>;
  private readonly requests: Map<string, LoggedEntry[]>;
  private readonly clarifications: Map<string, LoggedEntry[]>;
  private readonly byId = new Map<string, LoggedEntry>();

  constructor(
    readonly channel: ChannelFacts,
    entries: LoggedEntry[],
    isItem: (kind: string) => boolean,
  ) {
    for (const entry of entries) this.byId.set(key(entry), entry);
    this.items = entries.filter((e) => isItem(e.kind)).sort(byTime);
    for (const entry of entries) {
      if (entry.kind !== 'received' || this.named(entry) === null) continue;
      const of = entry.body.of as { party: string; seq: number };
      const slot = `${entry.party}|${of.party}`;
      this.receivedUpTo.set(slot, Math.max(this.receivedUpTo.get(slot) ?? -1, of.seq));
    }
    const ofKind = (kind: string) => entries.filter((e) => e.kind === kind);
    this.answers = this.groupByRef([
      ...ofKind('receipt').filter((r) => r.body.level === 'understood'),
      ...ofKind('response'),
    ]);
    this.reviews = this.groupByRef(ofKind('readback-review'));
    this.requests = this.groupByRef(ofKind('clarification-request'));
    this.clarifications = this.groupByRef(ofKind('clarification'));
  }

  /**
   * `<party>/<seq>` of the entry `entry` names in `body.of`, only if this log holds that entry
   * with exactly the hash named: a receipt or answer for another history, or for an entry not
   * written (yet), counts for nothing.
   */
  private named(entry: LoggedEntry): string | null {
    const of = entry.body.of as { party?: unknown; seq?: unknown; hash?: unknown } | undefined;
    if (!of || typeof of.party !== 'string' || typeof of.seq !== 'number') return null;
    const ref = `${of.party}/${of.seq}`;
    return this.byId.get(ref)?.hash === of.hash ? ref : null;
  }

  /** Answers grouped by the entry they name (exactly, see `named`), oldest first. */
  private groupByRef(entries: LoggedEntry[]): Map<string, LoggedEntry[]> {
    const groups = new Map<string, LoggedEntry[]>();
    for (const entry of [...entries].sort(byTime)) {
      const ref = this.named(entry);
      if (ref === null) continue;
      let group = groups.get(ref);
      if (!group) groups.set(ref, (group = []));
      group.push(entry);
    }
    return groups;
  }

  /** An entry by `<party>/<seq>`. */
  get(id: string): LoggedEntry | undefined {
    return this.byId.get(id);
  }

  private entryOf(brief: EntryBrief): LoggedEntry {
    return this.byId.get(`${brief.party}/${brief.seq}`)!;
  }

  delivered(item: LoggedEntry, party: string): boolean {
    return (this.receivedUpTo.get(`${party}|${item.party}`) ?? -1) >= item.seq;
  }

  /** Where party `party` stands in answering `item`. */
  response(item: LoggedEntry, party: string): PartyResponse {
    const latest = (this.answers.get(key(item)) ?? []).filter((a) => a.party === party).at(-1);
    if (!latest) return { party, state: 'awaiting', by: null, detail: null, fields: null };
    if (latest.kind === 'response') {
      const body = latest.body as { response: string; reason: string; until?: string };
      return body.response === 'declined'
        ? { party, state: 'declined', by: brief(latest), detail: body.reason, fields: null }
        : {
            party,
            state: 'deferred',
            by: brief(latest),
            detail: `until ${body.until!}: ${body.reason}`,
            fields: null,
          };
    }
    const hasReadBack = latest.body.readBack !== undefined || latest.body.readBackFields !== undefined;
    const fields =
      latest.body.readBackFields !== undefined
        ? compareFields(item.body.fields, latest.body.readBackFields as Record<string, unknown>)
        : null;
    if (!hasReadBack) return { party, state: 'understood', by: brief(latest), detail: null, fields };
    const review = (this.reviews.get(key(latest)) ?? []).filter((r) => r.party === item.party).at(-1);
    if (!review)
      return {
        party,
        state: 'readback-pending',
        by: brief(latest),
        detail: (latest.body.readBack as string | undefined) ?? null,
        fields,
      };
    const despite = review.body.despiteDifferences as { fields: string[]; reason: string } | undefined;
    return review.body.outcome === 'confirmed'
      ? {
          party,
          state: 'readback-confirmed',
          by: brief(review),
          // Confirmed although fields differ: said so wherever the state is shown.
          detail: despite ? `despite differences in ${despite.fields.join(', ')}: ${despite.reason}` : null,
          fields,
        }
      : {
          party,
          state: 'readback-corrected',
          by: brief(review),
          detail: review.body.correction as string,
          fields,
        };
  }

  /** Questions on an item, each with its answer: only the item's own party answers for it. */
  requestsOn(item: LoggedEntry): Array<{ request: LoggedEntry; answer: LoggedEntry | null }> {
    return (this.requests.get(key(item)) ?? []).map((request) => ({
      request,
      answer: this.clarifications.get(key(request))?.find((a) => a.party === item.party) ?? null,
    }));
  }

  /** Everything still owed in the channel at `now`. */
  obligations(now: number): Obligation[] {
    const out: Obligation[] = [];
    const { channel } = this;
    const windowOf = (entry: LoggedEntry) =>
      channel.objectives[entry.precedence as Precedence] ?? channel.objectives.ROUTINE;
    const push = (
      type: ObligationType,
      about: LoggedEntry,
      item: LoggedEntry,
      owedBy: string,
      owedTo: string,
      since: number,
      due: number,
      note: string | null,
    ) =>
      out.push({
        type,
        channel: channel.id,
        about: brief(about),
        item: brief(item),
        owedBy,
        owedTo,
        since,
        due,
        overdue: now > due,
        note,
        ...describeItem(item),
      });
    for (const item of this.items) {
      const sent = timeOf(item);
      const window = windowOf(item);
      for (const party of channel.parties) {
        if (party === item.party || !joinedBy(channel, party, sent)) continue;
        if (!this.delivered(item, party))
          push('delivery', item, item, party, item.party, sent, sent + window.deliveryMinutes * MINUTE, null);
        const response = this.response(item, party);
        // A response owed by `party` from `at`, within the window of the item's precedence.
        const owedResponse = (at: number, note: string | null) =>
          push('response', item, item, party, item.party, at, at + window.responseMinutes * MINUTE, note);
        switch (response.state) {
          case 'awaiting':
            owedResponse(sent, null);
            break;
          case 'deferred': {
            const until = Date.parse(String(this.entryOf(response.by!).body.until));
            push('response', item, item, party, item.party, sent, until, `deferred ${response.detail!}`);
            break;
          }
          case 'readback-pending': {
            const receipt = this.entryOf(response.by!);
            const at = timeOf(receipt);
            push(
              'readback-confirmation',
              receipt,
              item,
              item.party,
              party,
              at,
              at + window.responseMinutes * MINUTE,
              null,
            );
            break;
          }
          case 'readback-corrected':
            owedResponse(timeOf(this.entryOf(response.by!)), `read-back corrected: ${response.detail!}`);
            break;
          default:
            break;
        }
      }
      for (const { request, answer } of this.requestsOn(item)) {
        if (answer || !channel.parties.includes(request.party)) continue;
        const at = timeOf(request);
        push(
          'clarification',
          request,
          item,
          item.party,
          request.party,
          at,
          at + windowOf(request).responseMinutes * MINUTE,
          null,
        );
      }
    }
    return out;
  }
}

/**
 * The escalation steps an obligation has reached at `now`, seen from `ownParty`'s node. When this
 * party owes: at the deadline its duty officers are told, half a window later its head. When
 * another party owes this one: at the deadline the author here is told it is overdue. A lapsed
 * commitment (a period closed without the contact it asks for) goes to its owners of this party
 * at the period's end, half a period later to their heads.
 */
export function stepsDue(obligation: Obligation, ownParty: string, now: number): EscalationStep[] {
  if (now <= obligation.due) return [];
  if (obligation.owedBy === ownParty) {
    if (obligation.type === 'delivery') return [];
    const window = Math.max(obligation.due - obligation.since, MINUTE);
    // A lapsed commitment is answered for by its owners first, not by the watch.
    const first = obligation.type === 'commitment-lapse' ? 'owners' : 'duty-officers';
    return now > obligation.due + window / 2 ? [first, 'head'] : [first];
  }
  // Another party's lapse is its own to escalate.
  if (obligation.type === 'commitment-lapse') return [];
  return obligation.owedTo === ownParty ? ['overdue'] : [];
}
