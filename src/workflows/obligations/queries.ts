/**
 * Deadlines and the "what do I owe / what am I owed" queries, read from the log; the escalation
 * steps already recorded. The scheduler that records new steps is escalation.ts.
 */
import type { Precedence } from '../../core/entry.js';
import type { EscalationStep } from './kinds.js';
import { joinedTimes } from '../../core/membership.js';
import { objectivesOf, type Objectives } from '../../core/objectives.js';
import { ChannelLedger, timeOf, type Obligation } from './fold.js';
import type { Channel, Principal } from '../../storage/storage.js';
import { ParleyError } from '../../core/errors.js';
import { canRead } from '../../core/policy.js';
import { effectiveCharter, joinedAt, readableChannel } from '../channels/queries.js';
import { type NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';
import { deliveryState, getEntry } from '../entries/queries.js';
import { briefingObligations } from '../contacts/briefings/queries.js';
import { invitationObligations } from '../contacts/invitations/queries.js';
import { commitmentLapses } from '../contacts/queries.js';

/** The kinds a ledger reads besides the items themselves. */
const LEDGER_KINDS = [
  'received',
  'receipt',
  'response',
  'readback-review',
  'clarification-request',
  'clarification',
] as const;
const READ_LIMIT = 1_000_000;

export interface ObligationQuery {
  channel?: string;
  /** Answer for this office instead of the caller (it must be one of the caller's channels' offices). */
  office?: string;
  limit?: number;
}

export interface EscalationRecord {
  id: string;
  about: string;
  obligation: string;
  owedBy: string;
  step: EscalationStep;
  due: string;
  notify: string[];
  at: string;
}

function itemKinds(node: NodeContext): string[] {
  return ['note', 'notification'].filter((name) => node.kinds.get(name)?.expectsReceipt);
}

export async function objectivesFor(node: NodeContext, channel: Channel): Promise<Objectives> {
  return objectivesOf((await effectiveCharter(node, channel)).objectives);
}

/**
 * Ledgers by channel, kept while the channel's chains do not grow: a ledger depends only on the
 * log (time is a parameter of its questions), so the chain heads are a complete cache key.
 */
const ledgers = new WeakMap<NodeContext, Map<string, { key: string; ledger: ChannelLedger }>>();

/** Reads the parts of a channel's log that deadlines depend on (cached until the log grows). */
export async function loadLedger(node: NodeContext, channel: Channel): Promise<ChannelLedger> {
  const heads = await node.storage.listChainHeads(channel.id);
  const key = heads.map((h) => `${h.party}:${h.size}`).join(',');
  let cache = ledgers.get(node);
  if (!cache) ledgers.set(node, (cache = new Map()));
  const cached = cache.get(channel.id);
  if (cached?.key === key) return cached.ledger;
  const ledger = await readLedger(node, channel);
  cache.set(channel.id, { key, ledger });
  return ledger;
}

async function readLedger(node: NodeContext, channel: Channel): Promise<ChannelLedger> {
  const kinds = [...itemKinds(node), ...LEDGER_KINDS];
  const lists = await Promise.all(kinds.map((kind) => node.storage.listByKind(channel.id, kind, READ_LIMIT)));
  const items = new Set(itemKinds(node));
  const joined = joinedTimes(await joinedAt(node, channel));
  return new ChannelLedger(
    {
      id: channel.id,
      parties: Object.keys(channel.parties),
      objectives: await objectivesFor(node, channel),
      joined,
    },
    lists.flat().map(toLogged),
    (kind) => items.has(kind),
  );
}

/** Channels the caller (or the office asked about) is a member of, on this party's side. */
async function memberChannels(
  node: NodeContext,
  actor: Principal,
  query: ObligationQuery,
): Promise<Channel[]> {
  const office = query.office ?? actor.office;
  const channels = (await node.storage.listChannels()).filter(
    (c) => canRead(actor, c, node.party) && (query.channel === undefined || c.id === query.channel),
  );
  if (query.channel !== undefined && channels.length === 0)
    throw new ParleyError(
      'channel_not_found',
      `channel '${query.channel}' does not exist or you are not a member`,
    );
  if (
    query.office !== undefined &&
    !channels.some((c) => (c.parties[node.party] ?? []).includes(query.office!))
  ) {
    throw new ParleyError(
      'office_not_found',
      `office '${query.office}' is not a member of any of your channels here`,
    );
  }
  return channels.filter(
    (c) => office !== null && (c.parties[node.party] ?? []).includes(office) && c.state !== 'proposed',
  );
}

/** The caller, or the people of the office asked about. */
async function peopleAsked(
  node: NodeContext,
  actor: Principal,
  query: ObligationQuery,
): Promise<Set<string>> {
  const people = new Set<string>();
  if (query.office !== undefined) {
    for (const p of await node.storage.listPrincipals()) if (p.office === query.office) people.add(p.id);
  } else people.add(actor.id);
  return people;
}

/**
 * Every obligation of a channel's entries at `now`: responses, deliveries, read-backs and
 * clarifications (the ledger), open invitations and briefings. Lapsed commitments apart: they are
 * owed by their owners, not by the author of an entry.
 */
async function entryObligations(node: NodeContext, channel: Channel, now: number): Promise<Obligation[]> {
  const ledger = await loadLedger(node, channel);
  return [
    ...ledger.obligations(now),
    ...(await invitationObligations(node, channel, now)),
    ...(await briefingObligations(node, channel, now)),
  ];
}

/** What the caller's party owes in the caller's channels (or the office's), soonest deadline first. */
export async function owing(
  node: NodeContext,
  actor: Principal,
  query: ObligationQuery,
): Promise<Obligation[]> {
  const now = node.now();
  const result: Obligation[] = [];
  const people = await peopleAsked(node, actor, query);
  for (const channel of await memberChannels(node, actor, query)) {
    // Delivery is the network's duty, not a person's: not shown as owed.
    for (const o of await entryObligations(node, channel, now))
      if (o.owedBy === node.party && o.type !== 'delivery') result.push(o);
    // A lapsed commitment is owed by its owners: shown to them (or for their office).
    for (const lapse of await commitmentLapses(node, channel, now))
      if (lapse.obligation.owedBy === node.party && lapse.owners.some((o) => people.has(o)))
        result.push(lapse.obligation);
  }
  return result.sort((a, b) => a.due - b.due).slice(0, query.limit ?? 1000);
}

/**
 * What other parties owe the caller (or the office): the caller's items not yet delivered or
 * answered, read-backs of theirs awaiting review, their questions awaiting an answer.
 */
export async function owed(
  node: NodeContext,
  actor: Principal,
  query: ObligationQuery,
): Promise<Obligation[]> {
  const now = node.now();
  const authors = await peopleAsked(node, actor, query);
  const result: Obligation[] = [];
  for (const channel of await memberChannels(node, actor, query))
    for (const o of await entryObligations(node, channel, now))
      if (o.owedTo === node.party && authors.has(o.about.author)) result.push(o);
  return result.sort((a, b) => a.due - b.due).slice(0, query.limit ?? 1000);
}

export async function escalationsOf(node: NodeContext, channel: Channel): Promise<EscalationRecord[]> {
  return (await node.storage.listByKind(channel.id, 'escalation', READ_LIMIT)).map((entry) => {
    const view = toLogged(entry);
    const body = view.body as {
      of: { party: string; seq: number };
      obligation: string;
      owedBy: string;
      step: EscalationStep;
      due: string;
      notify: string[];
    };
    return {
      id: view.id,
      about: `${channel.id}/${body.of.party}/${body.of.seq}`,
      obligation: body.obligation,
      owedBy: body.owedBy,
      step: body.step,
      due: body.due,
      notify: body.notify,
      at: view.hlc,
    };
  });
}

/** Everything known about one item: delivery, each party's answer, read-back, questions, deadlines. */
export async function itemStatus(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  party: string,
  seq: number,
) {
  const channel = await readableChannel(node, actor, channelId);
  const entry = await getEntry(node, actor, channel.id, party, seq);
  const ledger = await loadLedger(node, channel);
  const item = ledger.get(`${party}/${seq}`);
  const now = node.now();
  const others = Object.keys(channel.parties).filter((p) => p !== party);
  const obligations = ledger.obligations(now).filter((o) => o.item.id === entry.id);
  const escalations = (await escalationsOf(node, channel)).filter(
    (e) =>
      e.about === entry.id ||
      obligations.some((o) => `${channel.id}/${o.about.party}/${o.about.seq}` === e.about),
  );
  return {
    id: entry.id,
    kind: entry.kind,
    precedence: entry.precedence,
    ...(entry.marking ? { marking: entry.marking } : {}),
    objectives: (await objectivesFor(node, channel))[entry.precedence],
    delivery: await deliveryState(node, actor, channel.id, party, seq),
    responses: item ? others.map((p) => ledger.response(item, p)) : [],
    clarifications: item
      ? ledger.requestsOn(item).map(({ request, answer }) => ({
          request: {
            id: request.id,
            hash: request.hash,
            party: request.party,
            author: request.author,
            at: request.hlc,
            passage: request.body.passage as { start: number; end: number; quote: string },
            question: request.body.question as string,
          },
          answer: answer
            ? { id: answer.id, author: answer.author, at: answer.hlc, text: answer.body.text as string }
            : null,
        }))
      : [],
    obligations,
    escalations,
    resolved: item !== undefined && obligations.length === 0,
  };
}

/** Open clarification requests of a channel (and answered ones when `all`). */
export async function clarifications(node: NodeContext, actor: Principal, channelId: string, all: boolean) {
  const channel = await readableChannel(node, actor, channelId);
  const ledger = await loadLedger(node, channel);
  const objectives = await objectivesFor(node, channel);
  const out = [];
  for (const item of ledger.items) {
    for (const { request, answer } of ledger.requestsOn(item)) {
      if (answer && !all) continue;
      const window = objectives[request.precedence as Precedence] ?? objectives.ROUTINE;
      out.push({
        id: request.id,
        hash: request.hash,
        item: item.id,
        author: request.author,
        party: request.party,
        at: request.hlc,
        passage: request.body.passage as { start: number; end: number; quote: string },
        question: request.body.question as string,
        due: new Date(timeOf(request) + window.responseMinutes * 60_000).toISOString(),
        answer: answer
          ? { id: answer.id, author: answer.author, at: answer.hlc, text: answer.body.text as string }
          : null,
      });
    }
  }
  return out;
}

/**
 * For /metrics: obligations past their deadline in this node's channels (owed by or to this
 * party), and the escalation steps this node has signed. Node-wide, read from the log, so every
 * process of a node reports the same numbers.
 */
export async function escalationMetrics(
  node: NodeContext,
): Promise<{ overdue: number; escalations: number }> {
  const now = node.now();
  let overdue = 0;
  let escalations = 0;
  for (const channel of await node.storage.listChannels()) {
    if (!channel.parties[node.party] || (channel.state !== 'active' && channel.state !== 'suspended'))
      continue;
    const ledger = await loadLedger(node, channel);
    overdue += ledger
      .obligations(now)
      .filter((o) => o.overdue && (o.owedBy === node.party || o.owedTo === node.party)).length;
    escalations += (await node.storage.listByKind(channel.id, 'escalation', READ_LIMIT)).filter(
      (e) => e.party === node.party,
    ).length;
  }
  return { overdue, escalations };
}
