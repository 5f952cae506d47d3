/**
 * The calendar feeds part of the storage contract: subscribable iCalendar addresses of an
 * office's or a channel's briefings, each with its own token (kept only as its hash), read-only
 * and revocable on its own.
 */

export interface CalendarFeed {
  /** A short public id, to list and revoke it by. */
  id: string;
  tokenHash: string;
  /** Who created it: the feed shows what this person may read, and ends with their access. */
  principal: string;
  scope: 'office' | 'channel';
  /** The office or channel id. */
  target: string;
  createdAt: number;
}

export interface CalendarFeedStore {
  /** Throws AlreadyExistsError when the id or the token hash is taken. */
  createCalendarFeed(feed: CalendarFeed): Promise<void>;
  getCalendarFeed(tokenHash: string): Promise<CalendarFeed | null>;
  /** One principal's feeds, or everyone's with null; oldest first. */
  listCalendarFeeds(principal: string | null): Promise<CalendarFeed[]>;
  /** False when there was no such feed. */
  deleteCalendarFeed(id: string): Promise<boolean>;
}
