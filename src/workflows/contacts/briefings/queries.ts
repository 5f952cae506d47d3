/**
 * Briefings as the app shows them: every proposal of a channel folded with what names it, and
 * the readouts of each. Also the briefings of every channel an office takes part in, for its
 * calendar.
 */
import type { LoggedEntry } from '../../../core/kinds.js';
import type { Channel, Principal } from '../../../storage/storage.js';
import { canRead } from '../../../core/policy.js';
import { readableChannel } from '../../channels/queries.js';
import type { NodeContext } from '../../context.js';
import { toLogged } from '../../entries/present.js';
import { brief, type Obligation } from '../../obligations/fold.js';
import { BRIEFING_ACTIONS, foldBriefing, type BriefingView } from './fold.js';

const READ_LIMIT = 100_000;

async function read(node: NodeContext, channel: string, kind: string): Promise<LoggedEntry[]> {
  return (await node.storage.listByKind(channel, kind, READ_LIMIT)).map(toLogged);
}

export interface ReadoutView {
  id: string;
  party: string;
  author: string;
  at: string;
  lang: string;
  text: string;
}

const readoutView = (r: LoggedEntry): ReadoutView => ({
  id: r.id,
  party: r.party,
  author: r.author,
  at: r.hlc,
  lang: r.lang,
  text: r.body.text as string,
});

/** `<channel>/<party>/<seq>` of what an entry's `of` names. */
function named(channel: string, entry: LoggedEntry): string | null {
  const of = entry.body.of as { party?: string; seq?: number } | undefined;
  return of ? `${channel}/${of.party}/${of.seq}` : null;
}

/** Every briefing of a channel, folded, oldest proposal first. */
export async function channelBriefings(node: NodeContext, channel: Channel): Promise<BriefingView[]> {
  const [proposals, amendments, ...actions] = await Promise.all(
    ['briefing-proposal', 'briefing-amendment', ...BRIEFING_ACTIONS].map((k) => read(node, channel.id, k)),
  );
  const byTarget = new Map<string, LoggedEntry[]>();
  for (const entry of actions.flat()) {
    const key = named(channel.id, entry)!;
    byTarget.set(key, [...(byTarget.get(key) ?? []), entry]);
  }
  const recordOf = new Map<string, string>();
  for (const entry of byTarget.values())
    for (const e of entry) if (e.kind === 'briefing-record') recordOf.set(e.id, named(channel.id, e)!);
  for (const amendment of amendments!) {
    const briefing = recordOf.get(named(channel.id, amendment)!);
    if (briefing) byTarget.get(briefing)!.push(amendment);
  }
  return proposals!
    .sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0))
    .map((p) => foldBriefing(p, byTarget.get(p.id) ?? [], channel.parties));
}

/**
 * Answers owed to briefings of a channel ("what I owe", issue 15): each party a proposal still
 * waits for owes an accept or a decline before the briefing starts. A recurring briefing counts
 * once, for its next occurrence that waits (an answer may cover the whole series).
 */
export async function briefingObligations(
  node: NodeContext,
  channel: Channel,
  now: number,
): Promise<Obligation[]> {
  const result: Obligation[] = [];
  for (const view of await channelBriefings(node, channel)) {
    const next = view.occurrences.find(
      (o) => o.state === 'proposed' && o.waitingFor.length > 0 && Date.parse(o.start) > now,
    );
    if (!next) continue;
    const [, party, seq] = view.id.slice(channel.id.length).split('/');
    const stored = await node.storage.getEntry(channel.id, party!, Number(seq));
    if (!stored) continue;
    const proposal = brief(toLogged(stored));
    const due = Date.parse(next.start);
    for (const owedBy of next.waitingFor) {
      result.push({
        type: 'briefing-answer',
        channel: channel.id,
        about: proposal,
        item: proposal,
        owedBy,
        owedTo: view.party,
        since: Date.parse(view.at.slice(0, 24)),
        due,
        overdue: false,
        // The countdown to its start says when; the interface words the rest.
        note: null,
        subject: view.title,
      });
    }
  }
  return result;
}

export async function listBriefings(node: NodeContext, actor: Principal, channelId: string) {
  const channel = await readableChannel(node, actor, channelId);
  const [list, readouts] = await Promise.all([
    channelBriefings(node, channel),
    read(node, channel.id, 'readout'),
  ]);
  return {
    briefings: list.map((b) => ({
      ...b,
      readouts: readouts.filter((r) => named(channel.id, r) === b.id).map(readoutView),
    })),
    readouts: readouts.filter((r) => !r.body.of).map(readoutView),
  };
}

/** The briefing (or null) and its channel, for one entry id `channel/PARTY/seq`. */
export async function briefingsOfOffice(
  node: NodeContext,
  actor: Principal | null,
  office: string,
): Promise<Array<{ channel: Channel; briefing: BriefingView }>> {
  const channels = (await node.storage.listChannels()).filter(
    (c) =>
      (actor === null || canRead(actor, c, node.party)) &&
      Object.values(c.parties).some((offices) => offices.includes(office)),
  );
  const result: Array<{ channel: Channel; briefing: BriefingView }> = [];
  for (const channel of channels) {
    for (const briefing of await channelBriefings(node, channel))
      if (briefing.participants.some((p) => p.office === office)) result.push({ channel, briefing });
  }
  return result;
}
