/**
 * Reading a channel's entries: in storage order after a cursor, one by its position, what awaits
 * a person's receipt, and where one entry stands with every other party (DESIGN.md
 * "Federation": delivery is proven by the receiving node's signed `received` receipt).
 */
import { entryId } from '../../core/entry.js';
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { canRead } from '../../core/policy.js';
import { readableChannel } from '../channels/queries.js';
import type { StoredEntry } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import { toView, type EntryView } from './present.js';
import { differingFields } from '../obligations/read-back.js';

export interface DeliveryState {
  party: string;
  state: 'queued' | 'delivered' | 'read' | 'understood';
  /** HLC of the receiving node's `received` receipt. */
  deliveredAt: string | null;
  receipts: Array<{ by: string; level: 'read' | 'understood'; at: string; id: string }>;
  /** Fields whose read-back in the latest "understood" receipt differs from the original. */
  readBackDiffers: string[];
}

/** Entries of a channel after a cursor, in storage order. */
export async function listEntries(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  after: number,
  limit: number,
): Promise<EntryView[]> {
  const channel = await readableChannel(node, actor, channelId);
  const entries = await node.storage.readChannel(channel.id, after, limit);
  return entries.map((e) => toView(e, e.cursor));
}

/** One page of the node-wide feed as a person sees it (`readableChanges`). */
export interface ReadableChanges {
  entries: EntryView[];
  /** The cursor to read from next; past entries the person may not read, too. */
  cursor: number;
  hasMore: boolean;
}

/**
 * Entries of every channel the actor may read, committed after `after`, in commit order: the
 * node-wide live stream that keeps a duty officer's channel list, counts and alerts current.
 * Entries of channels the actor may not read are skipped, never shown.
 */
export async function readableChanges(
  node: NodeContext,
  actor: Principal,
  after: number,
  limit: number,
): Promise<ReadableChanges> {
  const batch = await node.storage.changes(after, limit);
  const entries: EntryView[] = [];
  for (const entry of batch.entries) {
    const channel = await node.cachedChannel(entry.channel);
    if (channel && canRead(actor, channel, node.party)) entries.push(toView(entry, entry.cursor));
  }
  return { entries, cursor: batch.cursor, hasMore: batch.hasMore };
}

/** Where a node-wide stream that shows only new entries starts. */
export async function latestChangeCursor(node: NodeContext): Promise<number> {
  return node.storage.latestCursor();
}

export async function getEntry(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  party: string,
  seq: number,
): Promise<EntryView> {
  const channel = await readableChannel(node, actor, channelId);
  const entry = await node.storage.getEntry(channel.id, party, seq);
  if (!entry)
    throw new ParleyError('entry_not_found', `entry ${entryId(channel.id, party, seq)} does not exist`);
  return toView(entry, null);
}

/** Entries in the actor's channels that await the actor's receipt, oldest first. */
export async function inbox(
  node: NodeContext,
  actor: Principal,
  limit: number,
  channelId?: string,
): Promise<EntryView[]> {
  const channels = channelId
    ? [await readableChannel(node, actor, channelId)]
    : (await node.storage.listChannels()).filter((c) => canRead(actor, c, node.party));
  if (channels.length === 0) return [];
  const kinds = node.kinds
    .list()
    .filter((k) => k.expectsReceipt)
    .map((k) => k.name);
  const entries = await node.storage.listAwaitingReceipt(
    actor.id,
    channels.map((c) => c.id),
    kinds,
    limit,
  );
  return entries.map((e) => toView(e, e.cursor));
}

/**
 * Where one entry stands with every other party of its channel: `queued` until that party's
 * node has signed a `received` receipt covering it, then `delivered`, then `read` or
 * `understood` once a person of that party has signed such a receipt. Never "sent" without proof.
 */
export async function deliveryState(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  party: string,
  seq: number,
): Promise<DeliveryState[]> {
  const channel = await readableChannel(node, actor, channelId);
  const entry = await node.storage.getEntry(channel.id, party, seq);
  if (!entry)
    throw new ParleyError('entry_not_found', `entry ${entryId(channel.id, party, seq)} does not exist`);
  const receipts = await node.storage.listByRef(channel.id, 'receipt', `${party}/${seq}`);
  const destinations = [...Object.keys(channel.parties), ...Object.keys(channel.observers)].filter(
    (p) => p !== party,
  );
  const result: DeliveryState[] = [];
  for (const destination of destinations) {
    const state: DeliveryState = {
      party: destination,
      state: 'queued',
      deliveredAt: null,
      receipts: [],
      readBackDiffers: [],
    };
    const received = await node.storage.latestByRefParty(channel.id, destination, 'received', party);
    if (received && (await namesHeldEntry(node, channel.id, received)) && receivedSeq(received) >= seq) {
      state.state = 'delivered';
      state.deliveredAt = received.hlc;
    }
    for (const receipt of receipts.filter((r) => r.party === destination)) {
      const body = toView(receipt, null).body as {
        level: 'read' | 'understood';
        of: { hash: string };
        readBackFields?: Record<string, unknown>;
      };
      // A receipt counts only for the exact entry it names (DESIGN.md "Federation").
      if (body.of.hash !== entry.hash) continue;
      const level = body.level;
      state.receipts.push({
        by: receipt.author,
        level,
        at: receipt.hlc,
        id: entryId(channel.id, receipt.party, receipt.seq),
      });
      if (level === 'understood' || state.state !== 'understood') state.state = level;
      // "Understood" whose read-back of the fields differs is never shown as plainly understood.
      if (level === 'understood' && body.readBackFields !== undefined) {
        const original = (toView(entry, null).body as { fields?: unknown }).fields;
        state.readBackDiffers = differingFields(original, body.readBackFields);
      }
    }
    result.push(state);
  }
  return result;
}

function receivedSeq(received: StoredEntry): number {
  return Number(received.ref!.split('/')[1]);
}

/** Whether a `received` receipt names an entry this node holds, by its exact hash. */
async function namesHeldEntry(node: NodeContext, channel: string, received: StoredEntry): Promise<boolean> {
  const of = (toView(received, null).body as { of: { party: string; seq: number; hash: string } }).of;
  return (await node.storage.getEntry(channel, of.party, of.seq))?.hash === of.hash;
}
