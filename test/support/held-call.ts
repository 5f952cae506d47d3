/**
 * A call held between two party nodes, as the readout and keeping-contact tests need it: entries
 * posted through the API, the reference of an entry read at a node, waiting for an entry to
 * arrive at the other node, and a briefing proposed by one party, accepted by the other and held
 * (its minutes recorded).
 */
import { expect } from 'vitest';
import { api, eventually, type PartyNode } from './node-process.js';

export interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
}

export const ref = (e: Entry) => ({ party: e.party, seq: e.seq, hash: e.hash });

/** Posts `entry` (its kind, body, lang, precedence…) to channel `intel` as `user`; expects it accepted. */
export async function postEntry(
  node: PartyNode,
  user: string,
  entry: Record<string, unknown>,
): Promise<Entry> {
  const result = await api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', entry);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

/** Posts an entry of `kind` to channel `intel` as `user`; expects it accepted. */
export function post(
  node: PartyNode,
  user: string,
  kind: string,
  body: unknown,
  lang?: string,
): Promise<Entry> {
  return postEntry(node, user, { kind, body, ...(lang ? { lang } : {}) });
}

/** The reference of the entry named `<channel>/<party>/<seq>`, as `user` reads it at `node`. */
export async function refAt(node: PartyNode, user: string, id: string): Promise<ReturnType<typeof ref>> {
  const [channel, party, seq] = id.split('/');
  const entry = await api<Entry>(node, user, 'GET', `/api/v1/channels/${channel}/entries/${party}/${seq}`);
  expect(entry.status).toBe(200);
  return ref(entry.body);
}

/** Resolves once `entry` (or the entry named `<channel>/<party>/<seq>`) is readable at `node`. */
export async function arrived(node: PartyNode, entry: Entry | string): Promise<void> {
  const [party, seq] = typeof entry === 'string' ? entry.split('/').slice(1) : [entry.party, entry.seq];
  const user = `${node.party.toLowerCase()}-duty`;
  await eventually(
    async () =>
      (await api(node, user, 'GET', `/api/v1/channels/intel/entries/${party}/${seq}`)).status === 200,
    20_000,
    `intel/${party}/${seq} at ${node.party}`,
  );
}

const offices = (a: PartyNode, b: PartyNode) => [a, b].map((n) => `${n.party.toLowerCase()}-ops`);

/** A call between the `-ops` offices of `a` and `b`, an hour from now. */
export function callProposal(a: PartyNode, b: PartyNode, title = 'Call of the services heads') {
  return {
    type: 'call',
    title,
    agenda: ['Exercises'],
    start: new Date(Date.now() + 3600_000).toISOString(),
    durationMinutes: 40,
    participants: offices(a, b),
  };
}

/** The minutes of `briefing`, held a minute ago by both offices. */
export function heldRecord(a: PartyNode, b: PartyNode, briefing: Entry) {
  return {
    of: ref(briefing),
    heldAt: new Date(Date.now() - 60_000).toISOString(),
    durationMinutes: 40,
    minutes: 'The call took place.',
    attended: offices(a, b),
    noShows: [],
  };
}

/** A briefing proposed by `a`, accepted by `b` and held a minute ago (minutes by `a`). */
export async function holdBriefing(
  a: PartyNode,
  b: PartyNode,
  title = 'Call of the services heads',
): Promise<Entry> {
  const duty = (node: PartyNode) => `${node.party.toLowerCase()}-duty`;
  const briefing = await post(a, duty(a), 'briefing-proposal', callProposal(a, b, title));
  await arrived(b, briefing);
  await arrived(a, await post(b, duty(b), 'briefing-answer', { of: ref(briefing), answer: 'accept' }));
  await post(a, duty(a), 'briefing-record', heldRecord(a, b, briefing));
  return briefing;
}
