/**
 * Reading channels: which ones a person may see, the charter in force and every proposed change
 * with who has agreed (DESIGN.md "Concepts": Channel, Channel state). A channel a person may not
 * see is reported as missing, so channel ids do not leak.
 */
import {
  foldCharter,
  type CharterAmendment,
  type CharterState,
  type ProposedChange,
} from '../../core/charter-changes.js';
import { entryId } from '../../core/entry.js';
import { ParleyError } from '../../core/errors.js';
import type { Joined } from '../../core/membership.js';
import type { Channel, Principal } from '../../core/model.js';
import { canManage, canRead } from '../../core/policy.js';
import type { StoredEntry } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';

export type { CharterAmendment } from '../../core/charter-changes.js';

export interface ChannelChange {
  /** The proposing entry. */
  id: string;
  hash: string;
  change: 'suspend' | 'resume' | 'amend';
  reason: string;
  /** For `amend`: what the charter becomes. */
  charter?: CharterAmendment;
  by: string;
  party: string;
  at: string;
  agreedBy: string[];
  waitingFor: string[];
}

/** The proposed channel changes, oldest first, and the charter they leave in force. */
export interface ChannelChanges {
  list: ChannelChange[];
  charter: CharterState;
}

export interface ChannelStatus {
  state: Channel['state'];
  /** The newest proposed suspension or resumption: in effect when nobody is left in `waitingFor`. */
  change: ChannelChange | null;
  /** Proposed charter amendments, oldest first; each in effect once nobody is left in `waitingFor`. */
  amendments: ChannelChange[];
}

/** A channel's record for its members and for administrators. */
export async function getChannel(node: NodeContext, actor: Principal, id: string): Promise<Channel> {
  const channel = await node.storage.getChannel(id);
  if (!channel || !(canRead(actor, channel, node.party) || canManage(actor))) {
    throw new ParleyError('channel_not_found', `channel '${id}' does not exist or you are not a member`);
  }
  return channel;
}

export async function listChannels(node: NodeContext, actor: Principal): Promise<Channel[]> {
  return (await node.storage.listChannels()).filter((c) => canRead(actor, c, node.party) || canManage(actor));
}

/** The channel, if `actor` may read its entries (members and observers; not admins as such). */
export async function readableChannel(node: NodeContext, actor: Principal, id: string): Promise<Channel> {
  const channel = await node.cachedChannel(id);
  if (!channel || !canRead(actor, channel, node.party)) {
    throw new ParleyError('channel_not_found', `channel '${id}' does not exist or you are not a member`);
  }
  return channel;
}

/** When each party of the channel joined: the clock of its chain's first entry (membership.ts). */
export async function joinedAt(node: NodeContext, channel: Channel): Promise<Joined> {
  const result: Joined = {};
  for (const party of Object.keys(channel.parties)) {
    const first = await node.storage.getEntry(channel.id, party, 0);
    if (first) result[party] = first.hlc;
  }
  return result;
}

/** The charter entry (seq 0 of the proposing party's chain). */
export async function findCharter(node: NodeContext, channel: Channel): Promise<StoredEntry | null> {
  for (const party of Object.keys(channel.parties)) {
    const first = await node.storage.getEntry(channel.id, party, 0);
    if (first?.kind === 'charter') return first;
  }
  return null;
}

/**
 * The newest proposed channel change and who has agreed to it. It takes effect on every node
 * once each party of the channel has signed it (the proposer) or an agreement to it.
 */
export async function channelStatus(node: NodeContext, actor: Principal, id: string): Promise<ChannelStatus> {
  const channel = await readableChannel(node, actor, id);
  const { list } = await channelChanges(node, channel);
  return {
    state: channel.state,
    change: list.filter((c) => c.change !== 'amend').at(-1) ?? null,
    amendments: list.filter((c) => c.change === 'amend'),
  };
}

/**
 * The charter as every party has agreed it: the original, then each amendment that every
 * party of the channel at that point signed, in clock order.
 */
export async function effectiveCharter(
  node: NodeContext,
  channel: Channel,
  changes?: ChannelChanges,
): Promise<CharterState> {
  return (changes ?? (await channelChanges(node, channel))).charter;
}

/**
 * Every proposed change with who has agreed, ordered the same way on every node (clock, party),
 * and the charter they leave in force.
 */
export async function channelChanges(node: NodeContext, channel: Channel): Promise<ChannelChanges> {
  const charter = await findCharter(node, channel);
  const body = charter ? (toLogged(charter).body as unknown as Partial<CharterState>) : {};
  const initial: CharterState = {
    languages: body.languages ?? channel.languages,
    objectives: body.objectives ?? {},
    observers: body.observers ?? channel.observers,
    parties: body.parties ?? channel.parties,
  };
  const proposals: Array<ProposedChange & { entry: StoredEntry; reason: string }> = [];
  for (const proposal of await node.storage.listByKind(channel.id, 'channel-change', 10_000)) {
    const logged = toLogged(proposal).body as unknown as {
      change: ChannelChange['change'];
      reason: string;
      charter?: CharterAmendment;
    };
    const agreements = await node.storage.listByRef(
      channel.id,
      'channel-change-agree',
      `${proposal.party}/${proposal.seq}`,
    );
    proposals.push({
      entry: proposal,
      change: logged.change,
      reason: logged.reason,
      ...(logged.charter ? { charter: logged.charter } : {}),
      party: proposal.party,
      hlc: proposal.hlc,
      signedBy: [...new Set([proposal.party, ...agreements.map((a) => a.party)])],
    });
  }
  const folded = foldCharter(initial, proposals);
  return {
    charter: folded.charter,
    list: folded.changes.map(({ proposal, waitingFor }) => ({
      id: entryId(channel.id, proposal.party, proposal.entry.seq),
      hash: proposal.entry.hash,
      change: proposal.change,
      reason: proposal.reason,
      ...(proposal.charter ? { charter: proposal.charter } : {}),
      by: proposal.entry.author,
      party: proposal.party,
      at: proposal.hlc,
      agreedBy: proposal.signedBy,
      waitingFor,
    })),
  };
}

/** This party's people in the channel's member offices. */
export async function localMembers(node: NodeContext, channel: Channel): Promise<Principal[]> {
  const own = channel.parties[node.party] ?? [];
  return (await node.storage.listPrincipals()).filter((p) => p.office !== null && own.includes(p.office));
}
