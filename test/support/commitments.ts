/**
 * The commitments tests' pair (support/intel-pair.ts) with a clock on the whole minute, so that
 * periods begin on the minute, and US's clock four minutes fast (within what a receiver
 * accepts), so that what US signs is dated ahead of RU's now; each side holds the other's keys
 * before the tests begin (owners are checked against them). And the calls those tests make.
 */
import { expect } from 'vitest';
import { api, eventually, runCliAsync } from './node-process.js';
import { virtualClock, type InProcessParty, type VirtualClock } from './in-process.js';
import { entriesWith, head, MINUTE, obligations, useIntelPair } from './intel-pair.js';

export interface Entry {
  id: string;
  party: string;
  seq: number;
  hash: string;
  hlc: string;
}
export interface Period {
  from: string;
  to: string;
  kept: boolean;
  by: string[];
  missing: string[];
}
export interface Commitment {
  id: string;
  commitment: string;
  state: string;
  awaiting: string[];
  parties: string[];
  bound: Record<string, string>;
  order: string | null;
  owners: Array<{ principal: string; party: string | null }>;
  refused: Array<{ reason: string }>;
  cadence: {
    periods: Period[];
    current: Period | null;
    closed: number;
    kept: boolean | null;
    lastContact: string | null;
  };
}
export interface Obligation {
  type: string;
  owedBy: string;
  about: { id: string };
  subject?: string;
}

/** Starts the pair before the file's tests (handing it to `ready`); returns RU's clock. */
export function useCommitmentPair(ready: (ru: InProcessParty, us: InProcessParty) => void): VirtualClock {
  /** A whole minute, so that periods begin on the minute. */
  const clock = virtualClock(Math.floor(Date.now() / MINUTE) * MINUTE);
  /** US's clock: four minutes ahead of RU's (within what a receiver accepts). */
  const fast = { now: () => clock.now() + 4 * MINUTE, advance: () => {} };
  return useIntelPair(
    async (ru, us) => {
      ready(ru, us);
      // Each side's keys at the other: owners are checked against them.
      await eventually(
        async () => (await post(ru, 'ru-head', 'note', { text: 'Line open.' }, false)).status === 201,
      );
      await eventually(
        async () => (await post(us, 'us-head', 'note', { text: 'Line open.' }, false)).status === 201,
      );
      await eventually(async () => (await commitmentsAt(ru)).length === 0 && (await knowsKeysOf(ru, 'US')));
    },
    { clock, usClock: fast },
  );
}

async function knowsKeysOf(node: InProcessParty, party: string): Promise<boolean> {
  const page = await api<{ entries: Array<{ party: string; kind: string }> }>(
    node,
    head(node),
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return page.body.entries.some((e) => e.party === party && e.kind === 'principal-key');
}

export async function post(
  node: InProcessParty,
  user: string,
  kind: string,
  body: unknown,
  expectCreated = true,
): Promise<{ status: number; body: Entry & { error?: { code: string; message: string } } }> {
  const result = await api<Entry & { error?: { code: string; message: string } }>(
    node,
    user,
    'POST',
    '/api/v1/channels/intel/entries',
    { kind, body },
  );
  if (expectCreated) expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result;
}

async function chainLength(node: InProcessParty): Promise<number> {
  const page = await api<{ entries: Array<{ party: string }> }>(
    node,
    head(node),
    'GET',
    '/api/v1/channels/intel/entries?limit=1000',
  );
  return page.body.entries.filter((e) => e.party === node.party).length;
}

/**
 * Posts what must be refused; checks the status, code and the field named, and that nothing was
 * written: no entry of the node's party at all, its node's own included.
 */
export const { refused } = entriesWith({}, chainLength);

export async function commitmentsAt(node: InProcessParty, user = head(node)) {
  const result = await api<{ commitments: Commitment[] }>(
    node,
    user,
    'GET',
    '/api/v1/commitments?channel=intel',
  );
  expect(result.status).toBe(200);
  return result.body.commitments;
}

export const owing = (node: InProcessParty, user: string) => obligations<Obligation>(node, user, 'owing');

export function cli(node: InProcessParty, user: string, args: string[]) {
  return runCliAsync([...args, '--url', node.url, '--json'], { PARLEY_TOKEN: node.tokens[user]! });
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z');

/** The order to keep contact both files record (by RU's head, through the CLI). */
export const KEEP_MOMENTUM = {
  order: 'keep-momentum',
  orderedBy: 'President of the Russian Federation',
  offices: { RU: ['ru-ops'], US: ['us-ops'] },
  why: 'Maintain ongoing high-level contact among heads of departments.',
  what: 'contact',
  every: 'P1D',
};

/** Records KEEP_MOMENTUM with `parley contact-order record` as RU's head. */
export function recordKeepMomentum(ru: InProcessParty) {
  return cli(ru, 'ru-head', [
    'contact-order',
    'record',
    'intel',
    '--order',
    KEEP_MOMENTUM.order,
    '--ordered-by',
    KEEP_MOMENTUM.orderedBy,
    '--offices',
    'RU=ru-ops',
    '--offices',
    'US=us-ops',
    '--why',
    KEEP_MOMENTUM.why,
    '--every',
    'P1D',
  ]);
}

/** Waits until `node` lists the contact order `id`. */
export async function orderArrived(node: InProcessParty, id: string): Promise<void> {
  await eventually(
    async () =>
      (
        await api<{ orders: Array<{ id: string }> }>(
          node,
          head(node),
          'GET',
          '/api/v1/channels/intel/contact-orders',
        )
      ).body.orders.some((o) => o.id === id),
    20_000,
    `the order at ${node.party}`,
  );
}
