/**
 * Creating, accepting and changing channels (DESIGN.md "Concepts": Channel, Channel state).
 * A channel between parties is `proposed` until every party's node has begun its chain with the
 * charter or a signed acceptance of it; suspension, resumption and charter amendments take effect
 * only once every party has signed them.
 */
import { entryId } from '../../core/entry.js';
import { ParleyError } from '../../core/errors.js';
import { ID_PATTERN, LANGUAGE_PATTERN, type Channel, type Principal } from '../../core/model.js';
import type { Objectives } from '../../core/objectives.js';
import { requireAdmin } from '../../core/policy.js';
import type { EntryDraft } from '../../node/appender.js';
import type { NodeContext } from '../context.js';
import { recordSecurityEvent } from '../audit-trail/record.js';
import { keyPublication } from '../directory/key-publication.js';
import { toLogged } from '../entries/present.js';
import { writeUnique } from '../unique.js';
import { channelChanges, findCharter, localMembers, type CharterAmendment } from './queries.js';

export interface NewChannel {
  id: string;
  name: string;
  /** This party's member offices. */
  offices: string[];
  languages: string[];
  /** Other parties' member offices (they must be peers). */
  peers?: Record<string, string[]>;
  /** Read-only offices per party. */
  observers?: Record<string, string[]>;
  /** Delivery and response deadlines per precedence (defaults where absent). */
  objectives?: Partial<Objectives>;
}

/** Kinds that propose or agree to a change of the channel itself. */
export const CHANGE_KINDS = new Set(['channel-change', 'channel-change-agree']);

/**
 * Creates a channel. With only this party's offices it is active at once; with other parties'
 * offices (`peers`) it is proposed to them and becomes active when each has accepted it.
 */
export async function createChannel(
  node: NodeContext,
  actor: Principal,
  input: NewChannel,
): Promise<Channel> {
  requireAdmin(actor);
  if (!ID_PATTERN.test(input.id))
    throw new ParleyError('validation_failed', `channel id '${input.id}' is not valid`);
  if (input.name.trim() === '') throw new ParleyError('validation_failed', 'channel name must not be empty');
  if (input.offices.length === 0)
    throw new ParleyError('validation_failed', 'a channel needs at least one office');
  if (input.languages.length === 0)
    throw new ParleyError('validation_failed', 'a channel needs at least one language');
  for (const language of input.languages) {
    if (!LANGUAGE_PATTERN.test(language)) {
      throw new ParleyError(
        'language_invalid',
        `'${language}' is not a BCP 47 language tag such as en or ru`,
      );
    }
  }
  for (const office of input.offices) {
    if (!(await node.storage.getOffice(office)))
      throw new ParleyError('office_not_found', `office '${office}' does not exist`);
  }
  const parties: Record<string, string[]> = { [node.party]: [...new Set(input.offices)] };
  const observers: Record<string, string[]> = {};
  for (const party of [...Object.keys(input.peers ?? {}), ...Object.keys(input.observers ?? {})]) {
    if (party !== node.party && !(await node.storage.getPeer(party))) {
      throw new ParleyError(
        'peer_not_found',
        `party ${party} is not a peer of this node: add it with \`parley peer add\` first`,
      );
    }
  }
  for (const [party, offices] of Object.entries(input.peers ?? {})) {
    if (party === node.party)
      throw new ParleyError('validation_failed', `list ${party}'s own offices under offices`);
    parties[party] = [...new Set(offices)];
  }
  for (const [party, offices] of Object.entries(input.observers ?? {}))
    observers[party] = [...new Set(offices)];
  if (await node.storage.getChannel(input.id))
    throw new ParleyError('already_exists', `channel '${input.id}' already exists`);
  const channel: Channel = {
    id: input.id,
    name: input.name,
    offices: Object.values(parties).flat(),
    languages: [...new Set(input.languages)],
    parties,
    observers,
    state: Object.keys(parties).length === 1 ? 'active' : 'proposed',
    createdAt: node.now(),
  };
  const drafts: EntryDraft[] = [
    node.nodeDraft(channel, 'charter', {
      name: channel.name,
      parties,
      observers,
      languages: channel.languages,
      nodeKey: node.nodePublicKey,
      ...(input.objectives ? { objectives: input.objectives } : {}),
    }),
    ...(await localMembers(node, channel)).map((p) => keyPublication(node, channel, p)),
  ];
  const { entries, head } = node.sealFirstEntries(channel.id, drafts);
  await writeUnique(() => node.storage.createChannel(channel, entries, head));
  node.channelChanged(channel.id);
  await recordSecurityEvent(node, {
    action: 'channel_created',
    actor: actor.id,
    subject: channel.id,
    details: { state: channel.state },
  });
  return channel;
}

/** Accepts a channel another party proposed: this party's chain starts with its signed acceptance. */
export async function acceptChannel(node: NodeContext, actor: Principal, id: string): Promise<Channel> {
  requireAdmin(actor);
  const channel = await node.storage.getChannel(id);
  if (!channel) throw new ParleyError('channel_not_found', `channel '${id}' does not exist`);
  if (!channel.parties[node.party])
    throw new ParleyError('forbidden', `${node.party} is not a party of '${id}'`);
  // Begun means a charter or an acceptance, not any entry: an older node could have written a
  // key publication first, and that must not make the channel impossible to accept.
  if (await chainBegun(node, id, node.party)) {
    throw new ParleyError('already_exists', `${node.party} has already accepted '${id}'`);
  }
  const charter = await findCharter(node, channel);
  if (!charter) throw new ParleyError('entry_not_found', `the charter of '${id}' has not arrived yet`);
  await node.appender.append([
    node.nodeDraft(channel, 'charter-accept', {
      charter: { party: charter.party, hash: charter.hash },
      nodeKey: node.nodePublicKey,
    }),
    ...(await localMembers(node, channel)).map((p) => keyPublication(node, channel, p)),
  ]);
  await recordSecurityEvent(node, { action: 'channel_accepted', actor: actor.id, subject: id });
  return refreshChannelState(node, id);
}

/**
 * Whether `party`'s chain in the channel has begun: its seq 0 is the charter, or it holds the
 * party's signed acceptance (DESIGN.md "Channel state"). Only then does this party publish
 * keys there; before, its acceptance publishes them.
 */
export async function chainBegun(node: NodeContext, channelId: string, party: string): Promise<boolean> {
  const first = await node.storage.getEntry(channelId, party, 0);
  if (!first) return false;
  if (first.kind === 'charter' || first.kind === 'charter-accept') return true;
  const accepts = await node.storage.listByKind(channelId, 'charter-accept', 10_000);
  return accepts.some((entry) => entry.party === party);
}

/**
 * Brings the channel's record in line with its log: the charter in force (languages,
 * observers, parties), suspension or resumption once agreed, and a proposed channel made active
 * once every party's chain has begun (charter or acceptance).
 */
export async function refreshChannelState(node: NodeContext, id: string): Promise<Channel> {
  const channel = (await node.storage.getChannel(id))!;
  // The log of proposed changes is read once: it gives both the charter and the state.
  const changes = await channelChanges(node, channel);
  const { charter } = changes;
  // Parties are only ever added. A node introduced to a channel by an amendment keeps the
  // parties it was shown until every agreement has arrived here too.
  const parties = { ...channel.parties, ...charter.parties };
  if (
    channel.state !== 'proposed' &&
    (charter.languages.join(',') !== channel.languages.join(',') ||
      JSON.stringify(charter.observers) !== JSON.stringify(channel.observers) ||
      JSON.stringify(parties) !== JSON.stringify(channel.parties))
  ) {
    await node.storage.setChannelCharter(id, {
      languages: charter.languages,
      observers: charter.observers,
      parties,
    });
    channel.languages = charter.languages;
    channel.observers = charter.observers;
    channel.parties = parties;
    channel.offices = Object.values(parties).flat();
    // A new observer or party is a new destination: storage's commit hint wakes replication.
    node.channelChanged(id);
  }
  if (channel.state === 'active' || channel.state === 'suspended') {
    const change = changes.list.filter((c) => c.change !== 'amend').at(-1) ?? null;
    if (change && change.waitingFor.length === 0) {
      const target = change.change === 'suspend' ? 'suspended' : 'active';
      if (channel.state !== target) {
        await node.storage.setChannelState(id, target);
        channel.state = target;
        node.channelChanged(id);
      }
    }
  }
  if (channel.state === 'proposed') {
    const started = new Set<string>();
    for (const party of Object.keys(parties)) {
      if (await chainBegun(node, id, party)) started.add(party);
    }
    // A party or observer added by an amendment waits until every agreement to it has arrived
    // here, not just for the parties' chains.
    const named = Boolean(charter.parties[node.party] ?? charter.observers[node.party]);
    if (named && Object.keys(parties).every((party) => started.has(party))) {
      await node.storage.setChannelState(id, 'active');
      channel.state = 'active';
      node.channelChanged(id);
    }
  }
  return channel;
}

/**
 * An amendment naming observers or new parties (or an agreement to one) needs each of them
 * pinned here: this node must be able to send them its chain once the amendment is in effect.
 * A party can only join once, and not as its own proposal's subject.
 */
export async function checkNewMembersArePeers(
  node: NodeContext,
  channel: Channel,
  body: Record<string, unknown>,
): Promise<void> {
  let amendment = body as { change?: string; charter?: CharterAmendment };
  const proposing = !body.of;
  if (body.of) {
    const of = body.of as { party: string; seq: number };
    const proposal = await node.storage.getEntry(channel.id, of.party, of.seq);
    if (!proposal) return;
    amendment = toLogged(proposal).body as typeof amendment;
  }
  const joining = Object.keys(amendment.charter?.parties ?? {});
  if (proposing) {
    const already = joining.find((party) => channel.parties[party]);
    if (already)
      throw new ParleyError('validation_failed', `${already} is already a party of '${channel.id}'`);
    const both = joining.find((party) => amendment.charter?.observers?.[party]);
    if (both)
      throw new ParleyError('validation_failed', `${both} cannot join as a party and an observer at once`);
  }
  for (const party of [...Object.keys(amendment.charter?.observers ?? {}), ...joining]) {
    if (party !== node.party && !channel.parties[party] && !(await node.storage.getPeer(party))) {
      throw new ParleyError(
        'peer_not_found',
        `${party} is not a peer of this node: pin it with \`parley peer add\` before adding it to the channel`,
      );
    }
  }
}

/** An agreement names a proposed change of another party, once per party. */
export async function checkAgreement(
  node: NodeContext,
  channel: Channel,
  body: Record<string, unknown>,
): Promise<void> {
  const of = body.of as { party: string; seq: number; hash: string };
  const target = await node.storage.getEntry(channel.id, of.party, of.seq);
  if (!target || target.kind !== 'channel-change' || target.hash !== of.hash) {
    throw new ParleyError(
      'ref_invalid',
      `${entryId(channel.id, of.party, of.seq)} is not a proposed channel change`,
    );
  }
  if (of.party === node.party)
    throw new ParleyError('ref_invalid', 'a party does not agree to its own proposal');
  const agreed = await node.storage.listByRef(channel.id, 'channel-change-agree', `${of.party}/${of.seq}`);
  if (agreed.some((a) => a.party === node.party)) {
    throw new ParleyError(
      'already_exists',
      `${node.party} has already agreed to ${entryId(channel.id, of.party, of.seq)}`,
    );
  }
}

/**
 * A suspension is proposed for an active channel and a resumption for a suspended one
 * (DESIGN.md "Concepts": Channel state); anything else would be a change nobody can tell from
 * a mistake.
 */
export function checkChangeFitsState(channel: Channel, body: Record<string, unknown>): void {
  if (body.change === 'suspend' && channel.state !== 'active') {
    throw new ParleyError(
      'state_conflict',
      `channel '${channel.id}' is ${channel.state}: only an active channel is suspended`,
    );
  }
  if (body.change === 'resume' && channel.state !== 'suspended') {
    throw new ParleyError(
      'state_conflict',
      `channel '${channel.id}' is ${channel.state}: there is nothing to resume`,
    );
  }
}
