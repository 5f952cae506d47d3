/**
 * Orders to keep contact and commitments as the app shows them, read from the log: each
 * commitment folded (who it binds, since when) with how each of its periods was kept, and the
 * lapses its bound parties owe (briefings: briefings/queries.ts; invitations:
 * invitations/queries.ts).
 */
import {
  cadence,
  HELD_KINDS,
  isContact,
  periodStart,
  type Cadence,
  type CadencePeriod,
  type ContactEvent,
} from './cadence.js';
import { foldCommitments, peopleOf, type CommitmentTerms, type Person } from './commitment-fold.js';
import type { LoggedEntry } from '../../core/kinds.js';
import { brief, timeOf, type Obligation } from '../obligations/fold.js';
import type { Channel, Principal } from '../../storage/storage.js';
import { canRead } from '../../core/policy.js';
import { readableChannel } from '../channels/queries.js';
import { type NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';
import { ParleyError } from '../../core/errors.js';

export const READ_LIMIT = 100_000;
const byClock = (a: LoggedEntry, b: LoggedEntry) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0);

async function read(node: NodeContext, channel: string, kind: string): Promise<LoggedEntry[]> {
  return (await node.storage.listByKind(channel, kind, READ_LIMIT)).map(toLogged).sort(byClock);
}

export interface CommitmentView extends CommitmentTerms {
  channel: string;
  cadence: Cadence;
}

/**
 * The channel's contact: every exchange between people and every briefing held (for every party
 * at once, at the time it was held), dated no later than the entry that records it.
 */
export async function contactEvents(node: NodeContext, channel: Channel): Promise<ContactEvent[]> {
  const entries = (await node.storage.readChannel(channel.id, 0, READ_LIMIT)).map(toLogged).filter(isContact);
  return entries.map((e) => {
    const at = timeOf(e);
    if (!HELD_KINDS.includes(e.kind)) return { at, party: e.party, id: e.id };
    const held = Date.parse(String(e.body.heldAt));
    return { at: Number.isFinite(held) ? Math.min(held, at) : at, party: '*', id: e.id };
  });
}

/** The channel's commitments, folded, with how each was kept by `now`. */
export async function channelCommitments(
  node: NodeContext,
  channel: Channel,
  now: number,
): Promise<CommitmentView[]> {
  const commitments = await read(node, channel.id, 'commitment');
  if (commitments.length === 0) return [];
  const [accepts, publications, events] = await Promise.all([
    read(node, channel.id, 'commitment-accept'),
    read(node, channel.id, 'principal-key'),
    contactEvents(node, channel),
  ]);
  // The last contact is the channel's, whatever keeps the commitment: the same count as its chart.
  const past = events.filter((e) => e.at <= now).map((e) => e.at);
  const lastContact = past.length > 0 ? Math.max(...past) : null;
  return foldCommitments(commitments, accepts, publications, channel.parties).map((terms) => {
    // Bound from the start of the period it accepted in (a party accepts only once a member).
    const first = Date.parse(terms.from);
    const bound = Object.fromEntries(
      Object.entries(terms.bound).map(([party, at]) => [party, periodStart(first, terms.every, at)]),
    );
    const kept = cadence(
      terms.what,
      terms.every,
      Date.parse(terms.from),
      now,
      terms.what === 'briefing' ? events.filter((e) => e.party === '*') : events,
      bound,
    );
    return { ...terms, channel: channel.id, cadence: { ...kept, lastContact } };
  });
}

/** Commitments of every channel the caller reads (or of one), with how each is kept. */
export async function commitments(
  node: NodeContext,
  actor: Principal,
  channelId?: string,
): Promise<CommitmentView[]> {
  const channels = channelId
    ? [await readableChannel(node, actor, channelId)]
    : (await node.storage.listChannels()).filter((c) => canRead(actor, c, node.party));
  const now = node.now();
  return (await Promise.all(channels.map((c) => channelCommitments(node, c, now)))).flat();
}

/** One commitment by its entry id (`<channel>/<party>/<seq>`). */
export async function commitmentById(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  party: string,
  seq: number,
): Promise<CommitmentView> {
  const id = `${channelId}/${party}/${seq}`;
  const found = (await commitments(node, actor, channelId)).find((c) => c.id === id);
  if (!found) throw new ParleyError('entry_not_found', `commitment ${id} does not exist`);
  return found;
}

/** A lapse: a bound party missed a closed period and has not restored contact since. */
export interface Lapse {
  obligation: Obligation;
  /** The owners of the party that owes it. */
  owners: string[];
  period: CadencePeriod;
}

/**
 * The lapses a channel's commitments owe at `now`: the latest closed period not kept is owed by
 * each bound party that missed it, until that party has done its part in the period after (for
 * a briefing, until one is held). Once contact is restored the lapse closes; the period stays
 * missed on the record.
 */
export async function commitmentLapses(node: NodeContext, channel: Channel, now: number): Promise<Lapse[]> {
  const out: Lapse[] = [];
  for (const view of await channelCommitments(node, channel, now)) {
    if (view.state === 'refused') continue;
    const { periods, current } = view.cadence;
    const closed = current ? periods.slice(0, -1) : periods;
    const last = closed.at(-1);
    if (!last || last.kept) continue;
    const entry = toLogged(
      (await node.storage.getEntry(channel.id, view.party, Number(view.id.split('/').at(-1))))!,
    );
    for (const party of last.missing) {
      // Restored: the party has kept its part of the period after.
      if (view.bound[party] === undefined || (current && !current.missing.includes(party))) continue;
      out.push({
        obligation: {
          type: 'commitment-lapse',
          channel: channel.id,
          about: brief(entry),
          item: brief(entry),
          owedBy: party,
          owedTo: view.parties.find((p) => p !== party) ?? view.party,
          since: last.from,
          due: last.to,
          overdue: now > last.to,
          note: `no ${view.what === 'briefing' ? 'briefing held' : `contact from ${party}`} between ${new Date(last.from).toISOString()} and ${new Date(last.to).toISOString()}`,
          subject: view.commitment,
        },
        owners: view.owners.filter((o) => o.party === party).map((o) => o.principal),
        period: last,
      });
    }
  }
  return out;
}

export interface ContactOrderView {
  id: string;
  party: string;
  by: string;
  at: string;
  order: string;
  orderedBy: string;
  offices: Record<string, string[]>;
  why: string;
  what: 'briefing' | 'contact';
  every: string;
  given: string | null;
  /** The commitments that arise from it. */
  commitments: string[];
}

/** The channel's orders to keep contact, oldest first, each with the commitments made from it. */
export async function contactOrders(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<ContactOrderView[]> {
  const channel = await readableChannel(node, actor, channelId);
  const [orders, made] = await Promise.all([
    read(node, channel.id, 'contact-order'),
    read(node, channel.id, 'commitment'),
  ]);
  return orders.map((o) => {
    const body = o.body as unknown as Omit<ContactOrderView, 'id' | 'party' | 'by' | 'at' | 'commitments'> & {
      given?: string;
    };
    return {
      id: o.id,
      party: o.party,
      by: o.author,
      at: o.hlc,
      order: body.order,
      orderedBy: body.orderedBy,
      offices: body.offices,
      why: body.why,
      what: body.what,
      every: body.every,
      given: body.given ?? null,
      commitments: made
        .filter((c) => {
          const ref = c.body.order as { party: string; seq: number; hash: string } | undefined;
          return ref !== undefined && `${channel.id}/${ref.party}/${ref.seq}` === o.id && ref.hash === o.hash;
        })
        .map((c) => c.id),
    };
  });
}

/**
 * The channel's people as its log names them (each person's latest key publication in an office
 * of a member party): who may own a commitment (commitment-fold.ts `ownersProblem`).
 */
export async function channelPeople(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<Person[]> {
  const channel = await readableChannel(node, actor, channelId);
  const people = peopleOf(await read(node, channel.id, 'principal-key'), channel.parties);
  return [...people.values()]
    .flat()
    .sort((a, b) => a.party.localeCompare(b.party) || a.principal.localeCompare(b.principal));
}
