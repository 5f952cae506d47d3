/**
 * Two federated nodes, RU and US, inside the test process (initParty's people, in virtual time),
 * with the channel `intel` between `ru-ops` and `us-ops` proposed by RU and accepted by US; and
 * the calls the workflow tests make on that channel: entries posted, awaited at the other node,
 * refused with nothing written, and what is owed.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { api, eventually } from './node-process.js';
import {
  pinPeers,
  startInProcessParty,
  virtualClock,
  type InProcessParty,
  type VirtualClock,
} from './in-process.js';

export interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
  kind: string;
  marking?: string;
  body: Record<string, unknown>;
}
export interface Obligation {
  type: string;
  item: { id: string };
  about: { id: string };
  owedBy: string;
  owedTo: string;
  due: string;
  overdue: boolean;
  note: string | null;
}
export interface Escalation {
  step: string;
  notify: string[];
  owedBy: string;
  obligation: string;
}
export interface Status {
  responses: Array<{ party: string; state: string; detail: string | null }>;
  escalations: Escalation[];
  obligations: Obligation[];
  resolved: boolean;
}

export interface IntelPairOptions {
  /** The charter's objectives (`POST /api/v1/channels`'s `objectives`), if any. */
  objectives?: Record<string, { deliveryMinutes: number; responseMinutes: number }>;
  /** US's clock, when it is not RU's. */
  usClock?: VirtualClock;
}

/** Starts both nodes, pins each at the other and opens `intel`; resolves once it is active at RU. */
export async function startIntelPair(
  clock: VirtualClock,
  options: IntelPairOptions = {},
): Promise<[InProcessParty, InProcessParty]> {
  const [ru, us] = await Promise.all([
    startInProcessParty('RU', clock),
    startInProcessParty('US', options.usClock ?? clock),
  ]);
  await pinPeers(ru, us);
  const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id: 'intel',
    name: 'Intelligence services heads',
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['ru', 'en'],
    ...(options.objectives ? { objectives: options.objectives } : {}),
  });
  expect(created.status).toBe(201);
  await eventually(async () => (await api(us, 'admin', 'GET', '/api/v1/channels/intel')).status === 200);
  expect((await api(us, 'admin', 'POST', '/api/v1/channels/intel/accept')).status).toBe(200);
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
  );
  return [ru, us];
}

/**
 * Starts the pair before the file's tests (handing it to `ready`, which may prepare more) and
 * stops it after them; returns the clock RU runs on (a fresh virtual clock unless given).
 */
export function useIntelPair(
  ready: (ru: InProcessParty, us: InProcessParty) => void | Promise<void>,
  options: IntelPairOptions & { clock?: VirtualClock } = {},
): VirtualClock {
  const clock = options.clock ?? virtualClock();
  let nodes: InProcessParty[] = [];
  beforeAll(async () => {
    nodes = await startIntelPair(clock, options);
    await ready(nodes[0]!, nodes[1]!);
  }, 240_000);
  afterAll(async () => {
    // One at a time: each node's close waits for the other's requests in flight.
    for (const node of nodes) await node.stop();
  }, 240_000);
  return clock;
}

export const head = (node: InProcessParty) => `${node.party.toLowerCase()}-head`;
export const ref = (e: Pick<Entry, 'party' | 'seq' | 'hash'>) => ({
  party: e.party,
  seq: e.seq,
  hash: e.hash,
});

/** Writes an entry of `kind` in `intel` (`extra` adds fields beside kind and body: precedence, lang…). */
export function write(node: InProcessParty, user: string, kind: string, body: unknown, extra = {}) {
  return api<Entry>(node, user, 'POST', '/api/v1/channels/intel/entries', { kind, body, ...extra });
}

/** Writes an entry and expects it created. */
export async function post(
  node: InProcessParty,
  user: string,
  kind: string,
  body: unknown,
  extra = {},
): Promise<Entry> {
  const result = await write(node, user, kind, body, extra);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

/** Waits until `node` holds `entry`. */
export async function arrived(node: InProcessParty, entry: Entry): Promise<void> {
  await eventually(
    async () =>
      (await api(node, head(node), 'GET', `/api/v1/channels/intel/entries/${entry.party}/${entry.seq}`))
        .status === 200,
    20_000,
    `${entry.id} at ${node.party}`,
  );
}

export async function obligations<T = Obligation>(
  node: InProcessParty,
  user: string,
  direction: 'owing' | 'owed',
): Promise<T[]> {
  const result = await api<{ obligations: T[] }>(
    node,
    user,
    'GET',
    `/api/v1/obligations?direction=${direction}&channel=intel`,
  );
  expect(result.status).toBe(200);
  return result.body.obligations;
}

/** An item's status (responses, escalations, what is owed) as `node`'s head sees it. */
export async function status(node: InProcessParty, entry: Entry): Promise<Status> {
  const result = await api<Status>(
    node,
    head(node),
    'GET',
    `/api/v1/channels/intel/entries/${entry.party}/${entry.seq}/status`,
  );
  expect(result.status).toBe(200);
  return result.body;
}

/**
 * Entries people signed on the node. (Its own `received` receipts for replicated entries keep
 * arriving in the background, so the total count is no measure of what a refused call wrote.)
 */
export async function peopleEntries(node: InProcessParty): Promise<number> {
  const entries = await node.node.storage.readChannel('intel', 0, 1_000_000);
  return entries.filter((e) => e.party === node.party && e.author !== 'node').length;
}

/**
 * Expects a refusal with the standard error shape and no entry written on the node (as `written`
 * counts them: people's entries unless told otherwise); its message.
 */
export async function refused(
  node: InProcessParty,
  call: () => Promise<{ status: number; body: unknown }>,
  status: number,
  code: string,
  written: (node: InProcessParty) => Promise<number> = peopleEntries,
): Promise<string> {
  const before = await written(node);
  const result = await call();
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  const error = (result.body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe(code);
  expect(await written(node)).toBe(before);
  return error.message;
}

/**
 * Calls that send every entry with `extra` (say `{ lang: 'en' }`): `post`, and `refused`, which
 * writes an entry that must be refused with a message naming `names` (the field or rule) and
 * nothing `written`.
 */
export function entriesWith(extra: Record<string, unknown>, written = peopleEntries) {
  return {
    post: (node: InProcessParty, user: string, kind: string, body: unknown) =>
      post(node, user, kind, body, extra),
    async refused(
      node: InProcessParty,
      user: string,
      kind: string,
      body: unknown,
      status: number,
      code: string,
      names: string | RegExp,
    ): Promise<void> {
      const message = await refused(node, () => write(node, user, kind, body, extra), status, code, written);
      expect(message).toMatch(names);
    },
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The workflow tests' charter objective: a FLASH item delivered within a minute, answered within ten. */
export const FLASH_IN_TEN_MINUTES = { FLASH: { deliveryMinutes: 1, responseMinutes: 10 } };

/** The workflow tests' pair: FLASH items answered within ten minutes. */
export function useWorkflowPair(ready: (ru: InProcessParty, us: InProcessParty) => void): VirtualClock {
  return useIntelPair(ready, { objectives: FLASH_IN_TEN_MINUTES });
}
