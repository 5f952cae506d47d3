/** Invitations as the app shows them: each thread folded, with whether its answer is overdue. */
import type { LoggedEntry } from '../../../core/kinds.js';
import type { Channel, Principal } from '../../../storage/storage.js';
import { readableChannel } from '../../channels/queries.js';
import type { NodeContext } from '../../context.js';
import { toLogged } from '../../entries/present.js';
import { deadlineOf, iso } from '../briefings/times.js';
import { INVITATION_ACTIONS, foldInvitation, overdue, type InvitationView } from './fold.js';
import { brief, type Obligation } from '../../obligations/fold.js';

const READ_LIMIT = 100_000;

async function read(node: NodeContext, channel: string, kind: string): Promise<LoggedEntry[]> {
  return (await node.storage.listByKind(channel, kind, READ_LIMIT)).map(toLogged);
}

/** Every invitation thread of a channel, oldest first. */
export async function channelInvitations(node: NodeContext, channel: Channel): Promise<InvitationView[]> {
  const [proposals, ...actions] = await Promise.all(
    ['invitation-proposal', ...INVITATION_ACTIONS].map((k) => read(node, channel.id, k)),
  );
  const byThread = new Map<string, LoggedEntry[]>();
  for (const entry of actions.flat()) {
    const of = entry.body.of as { party: string; seq: number };
    const key = `${channel.id}/${of.party}/${of.seq}`;
    byThread.set(key, [...(byThread.get(key) ?? []), entry]);
  }
  const parties = Object.keys(channel.parties);
  return proposals!
    .sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0))
    .map((p) => foldInvitation(p, byThread.get(p.id) ?? [], parties));
}

export async function listInvitations(node: NodeContext, actor: Principal, channelId: string) {
  const channel = await readableChannel(node, actor, channelId);
  const now = node.now();
  return (await channelInvitations(node, channel)).map((view) => ({
    ...view,
    deadline: iso(deadlineOf(view.current.respondBy)),
    overdue: overdue(view, now),
  }));
}

/**
 * Open invitations as obligations: each party still to answer the current terms owes an answer
 * to the party that proposed them, by the terms' answer date.
 */
export async function invitationObligations(
  node: NodeContext,
  channel: Channel,
  now: number,
): Promise<Obligation[]> {
  const result: Obligation[] = [];
  for (const view of await channelInvitations(node, channel)) {
    if (view.state !== 'open') continue;
    const [item, about] = await Promise.all(
      [view.id, view.current.id].map(async (id) => {
        const [, party, seq] = id.slice(channel.id.length).split('/');
        return toLogged((await node.storage.getEntry(channel.id, party!, Number(seq)))!);
      }),
    );
    const due = deadlineOf(view.current.respondBy);
    for (const party of view.awaiting) {
      result.push({
        type: 'invitation-answer',
        channel: channel.id,
        about: brief(about!),
        item: brief(item!),
        owedBy: party,
        owedTo: view.current.party,
        since: Date.parse(view.current.at.slice(0, 24)),
        due,
        overdue: now > due,
        note: view.proposals.length > 1 ? `counter-proposal: ${view.current.where}` : null,
        subject: view.what,
      });
    }
  }
  return result;
}
