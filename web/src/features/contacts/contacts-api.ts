/**
 * Keeping contact through the node's API: briefings with minutes and readouts, invitations and
 * their answers, commitments to a cadence; and the entries they are posted as.
 */
import { request, type NewEntry, type Response } from '../../lib/api';

export type BriefingsView = Response<'GET /api/v1/channels/{channel}/briefings'>;
export type Briefing = BriefingsView['briefings'][number];
export type Readout = BriefingsView['readouts'][number];
export type Occurrence = Briefing['occurrences'][number];
export type Invitation = Response<'GET /api/v1/channels/{channel}/invitations'>['invitations'][number];
export type Commitment = Response<'GET /api/v1/commitments'>['commitments'][number];
export type ContactOrder = Response<'GET /api/v1/channels/{channel}/contact-orders'>['orders'][number];
export type ChannelPerson = Response<'GET /api/v1/channels/{channel}/people'>['people'][number];
export type InvitationAnswer = 'accept' | 'decline';

export interface Ref {
  party: string;
  seq: number;
  hash: string;
}

export const contactsApi = {
  briefings: (channel: string) => request('GET /api/v1/channels/{channel}/briefings', { path: { channel } }),
  invitations: (channel: string) =>
    request('GET /api/v1/channels/{channel}/invitations', { path: { channel } }),
  contactOrders: (channel: string) =>
    request('GET /api/v1/channels/{channel}/contact-orders', { path: { channel } }),
  people: (channel: string) => request('GET /api/v1/channels/{channel}/people', { path: { channel } }),
  commitments: (channel?: string) => request('GET /api/v1/commitments', { query: { channel } }),
  post: (channel: string, body: NewEntry) =>
    request('POST /api/v1/channels/{channel}/entries', { path: { channel }, body }),
  /** The `{party, seq, hash}` reference of an entry named `channel/PARTY/seq`. */
  async ref(id: string): Promise<Ref> {
    const parts = id.split('/');
    const seq = Number(parts.pop());
    const party = parts.pop() ?? '';
    const entry = await request('GET /api/v1/channels/{channel}/entries/{party}/{seq}', {
      path: { channel: parts.join('/'), party, seq },
    });
    return { party: entry.party, seq: entry.seq, hash: entry.hash };
  },
};

/** `2026-02-12T17:00` (a datetime-local value, read as UTC) → `2026-02-12T17:00Z`. */
export function utcFromLocalInput(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}Z` : value;
}

/** The current UTC time as a datetime-local value (`2026-02-12T17:00`). */
export function nowLocalInput(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 16);
}

/** An invitation's deadline: a date alone means the end of that day (UTC). */
export function respondDeadline(respondBy: string): string {
  return respondBy.length === 10
    ? new Date(Date.parse(respondBy) + 86_400_000).toISOString()
    : new Date(Date.parse(respondBy)).toISOString();
}
