/**
 * Calendars of briefings, per office and per channel: exported for the person asking, and as
 * subscribable addresses. A feed's token is its own secret (`cal_…`, 32 random bytes, kept as
 * SHA-256 only): it reads that one calendar and nothing else, shows only what its creator may
 * read, stops when its creator is disabled, and is revoked on its own.
 */
import { randomUUID } from 'node:crypto';
import { ParleyError } from '../../../core/errors.js';
import { canRead } from '../../../core/policy.js';
import type { CalendarFeed, Principal } from '../../../storage/storage.js';
import { readableChannel } from '../../channels/queries.js';
import type { NodeContext } from '../../context.js';
import { hashSecret, newSecret } from '../../directory/tokens.js';
import { briefingCalendar } from './calendar.js';
import { briefingsOfOffice, channelBriefings } from './queries.js';

export const CALENDAR_TOKEN_PREFIX = 'cal_';

export type CalendarScope = 'office' | 'channel';

/** Refuses an office the person may not see the calendar of: their own, or any for an admin. */
async function requireOffice(node: NodeContext, actor: Principal, office: string): Promise<void> {
  if (!(await node.storage.getOffice(office)))
    throw new ParleyError('office_not_found', `office '${office}' does not exist on this node`);
  if (actor.role !== 'admin' && actor.office !== office)
    throw new ParleyError('forbidden', `only people of ${office} (or an admin) read its calendar`);
}

/** The iCalendar text of an office's or a channel's briefings, as `actor` may read them. */
export async function exportCalendar(
  node: NodeContext,
  actor: Principal,
  scope: CalendarScope,
  target: string,
): Promise<string> {
  const host = `parley.${node.party.toLowerCase()}`;
  if (scope === 'channel') {
    const channel = await readableChannel(node, actor, target);
    const list = await channelBriefings(node, channel);
    return briefingCalendar(
      `Parley: ${channel.name}`,
      host,
      list.map((briefing) => ({ channel: channel.id, briefing })),
    );
  }
  await requireOffice(node, actor, target);
  const items = await briefingsOfOffice(node, actor, target);
  return briefingCalendar(
    `Parley: briefings of ${target}`,
    host,
    items.map((i) => ({ channel: i.channel.id, briefing: i.briefing })),
  );
}

export interface FeedView {
  id: string;
  scope: CalendarScope;
  target: string;
  createdBy: string;
  createdAt: string;
  url: string | null;
}

const view = (feed: CalendarFeed, url: string | null): FeedView => ({
  id: feed.id,
  scope: feed.scope,
  target: feed.target,
  createdBy: feed.principal,
  createdAt: new Date(feed.createdAt).toISOString(),
  url,
});

/** A new subscribable address; its token is in `url` and shown only now. */
export async function createFeed(
  node: NodeContext,
  actor: Principal,
  scope: CalendarScope,
  target: string,
): Promise<FeedView> {
  if (scope === 'channel') await readableChannel(node, actor, target);
  else await requireOffice(node, actor, target);
  const token = newSecret(CALENDAR_TOKEN_PREFIX);
  const feed: CalendarFeed = {
    id: `feed-${randomUUID().slice(0, 8)}`,
    tokenHash: hashSecret(token),
    principal: actor.id,
    scope,
    target,
    createdAt: node.now(),
  };
  await node.storage.createCalendarFeed(feed);
  return view(feed, `/api/v1/calendar/${token}`);
}

/** The caller's feeds (an admin's: everyone's); never their tokens. */
export async function listFeeds(node: NodeContext, actor: Principal): Promise<FeedView[]> {
  const feeds = await node.storage.listCalendarFeeds(actor.role === 'admin' ? null : actor.id);
  return feeds.map((f) => view(f, null));
}

/** Revokes a feed: its address answers 404 from now on. Its creator or an admin. */
export async function revokeFeed(node: NodeContext, actor: Principal, id: string): Promise<void> {
  const feed = (await node.storage.listCalendarFeeds(actor.role === 'admin' ? null : actor.id)).find(
    (f) => f.id === id,
  );
  if (!feed || !(await node.storage.deleteCalendarFeed(id)))
    throw new ParleyError('not_found', `calendar feed '${id}' does not exist or is not yours`);
}

/** The calendar a subscribable address reads; unknown, revoked or orphaned tokens are 404. */
export async function feedCalendar(node: NodeContext, token: string): Promise<string> {
  const missing = () => new ParleyError('not_found', 'no such calendar feed (revoked or never created)');
  if (!token.startsWith(CALENDAR_TOKEN_PREFIX)) throw missing();
  const feed = await node.storage.getCalendarFeed(hashSecret(token));
  if (!feed) throw missing();
  const owner = await node.storage.getPrincipal(feed.principal);
  if (!owner || owner.disabled) throw missing();
  if (feed.scope === 'channel') {
    const channel = await node.cachedChannel(feed.target);
    if (!channel || !canRead(owner, channel, node.party)) throw missing();
  }
  return exportCalendar(node, owner, feed.scope, feed.target);
}
