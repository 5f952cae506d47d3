/**
 * Briefings, readouts, invitations and commitments as the app shows them, read from the log.
 */
import { joinedTimes, partiesAt } from '../../core/membership.js';
import { cadence, type Cadence } from './cadence.js';
import type { LoggedEntry } from '../../core/kinds.js';
import type { EntryRef } from '../obligations/kinds.js';
import { timeOf } from '../obligations/fold.js';
import type { Channel, Principal } from '../../storage/storage.js';
import { canRead } from '../../core/policy.js';
import { joinedAt, readableChannel } from '../channels/queries.js';
import { type NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';

const byClock = (a: LoggedEntry, b: LoggedEntry) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0);

async function read(node: NodeContext, channel: string, kind: string): Promise<LoggedEntry[]> {
  return (await node.storage.listByKind(channel, kind, 100_000)).map(toLogged).sort(byClock);
}

const refId = (channel: string, of: EntryRef) => `${channel}/${of.party}/${of.seq}`;

export interface ReadoutView {
  id: string;
  party: string;
  author: string;
  at: string;
  lang: string;
  text: string;
}

export async function briefings(node: NodeContext, actor: Principal, channelId: string) {
  const channel = await readableChannel(node, actor, channelId);
  const [proposals, accepts, minutes, readouts] = await Promise.all(
    ['briefing', 'briefing-accept', 'briefing-minutes', 'readout'].map((k) => read(node, channel.id, k)),
  );
  const joined = await joinedAt(node, channel);
  const readoutView = (r: LoggedEntry): ReadoutView => ({
    id: r.id,
    party: r.party,
    author: r.author,
    at: r.hlc,
    lang: r.lang,
    text: r.body.text as string,
  });
  const list = proposals!.map((b) => {
    const body = b.body as { title: string; agenda: string[]; at?: string };
    const acceptedBy = accepts!.filter((a) => refId(channel.id, a.body.of as EntryRef) === b.id);
    const held = minutes!.find((m) => refId(channel.id, m.body.of as EntryRef) === b.id);
    return {
      id: b.id,
      title: body.title,
      agenda: body.agenda,
      at: body.at ?? null,
      party: b.party,
      proposedBy: b.author,
      acceptedBy: acceptedBy.map((a) => ({ party: a.party, by: a.author, at: a.hlc })),
      // The parties of the moment the briefing was held (or of now): one that joined later is not
      // waited for to accept what already took place.
      waitingFor: partiesAt(joined, held?.hlc).filter(
        (p) => p !== b.party && !acceptedBy.some((a) => a.party === p),
      ),
      minutes: held
        ? {
            id: held.id,
            heldAt: held.body.heldAt as string,
            durationMinutes: held.body.durationMinutes as number,
            summary: (held.body.summary as string | undefined) ?? null,
          }
        : null,
      readouts: readouts!
        .filter((r) => r.body.of && refId(channel.id, r.body.of as EntryRef) === b.id)
        .map(readoutView),
    };
  });
  return { briefings: list, readouts: readouts!.filter((r) => !r.body.of).map(readoutView) };
}

export async function invitations(node: NodeContext, actor: Principal, channelId: string) {
  const channel = await readableChannel(node, actor, channelId);
  const [sent, answers] = await Promise.all([
    read(node, channel.id, 'invitation'),
    read(node, channel.id, 'invitation-answer'),
  ]);
  const now = node.now();
  return sent.map((i) => {
    const body = i.body as { what: string; where: string; respondBy: string; text?: string };
    const given = answers.filter((a) => refId(channel.id, a.body.of as EntryRef) === i.id);
    const latest = given.at(-1);
    const respondBy = Date.parse(body.respondBy);
    // A date without a time means "by the end of that day".
    const deadline = body.respondBy.length === 10 ? respondBy + 86_400_000 : respondBy;
    return {
      id: i.id,
      what: body.what,
      where: body.where,
      text: body.text ?? null,
      respondBy: body.respondBy,
      party: i.party,
      by: i.author,
      answers: given.map((a) => ({
        id: a.id,
        party: a.party,
        by: a.author,
        at: a.hlc,
        answer: a.body.answer as string,
        note: (a.body.note as string | undefined) ?? null,
      })),
      state: latest ? (latest.body.answer as string) : now > deadline ? 'overdue' : 'pending',
    };
  });
}

export interface CommitmentView {
  id: string;
  channel: string;
  commitment: string;
  what: 'briefing' | 'contact';
  every: string;
  owners: string[];
  source: string | null;
  from: string;
  cadence: Cadence;
}

async function channelCommitments(
  node: NodeContext,
  channel: Channel,
  now: number,
): Promise<CommitmentView[]> {
  const commitments = await read(node, channel.id, 'commitment');
  if (commitments.length === 0) return [];
  const minutes = await read(node, channel.id, 'briefing-minutes');
  const joinedMs = joinedTimes(await joinedAt(node, channel));
  // Contact: anything a person of a party signed in the channel, but receipts.
  const contacts = (await node.storage.readChannel(channel.id, 0, 100_000))
    .filter((e) => e.author !== 'node' && e.kind !== 'receipt')
    .map((e) => ({ at: timeOf(toLogged(e)), party: e.party, id: `${channel.id}/${e.party}/${e.seq}` }));
  const latest = new Map<string, LoggedEntry>();
  for (const c of commitments) latest.set(c.body.commitment as string, c);
  return [...latest.values()].map((c) => {
    const body = c.body as {
      commitment: string;
      what: 'briefing' | 'contact';
      every: string;
      owners: string[];
      source?: string;
      from: string;
    };
    const events =
      body.what === 'briefing'
        ? minutes.map((m) => ({ at: Date.parse(m.body.heldAt as string), party: m.party, id: m.id }))
        : contacts;
    return {
      id: c.id,
      channel: channel.id,
      commitment: body.commitment,
      what: body.what,
      every: body.every,
      owners: body.owners,
      source: body.source ?? null,
      from: body.from,
      cadence: cadence(body.what, body.every, Date.parse(body.from), now, events, boundBy(c, joinedMs)),
    };
  });
}

/**
 * Who a commitment binds, from when: the parties in the channel when it was made, from its
 * start (0); a party that joined later, from when it joined.
 */
function boundBy(commitment: LoggedEntry, joined: Record<string, number>): Record<string, number> {
  const made = timeOf(commitment);
  return Object.fromEntries(Object.entries(joined).map(([party, at]) => [party, at <= made ? 0 : at]));
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
