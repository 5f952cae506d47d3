/**
 * What an entry says its author had seen (its `seen` vector, DESIGN.md "The log") must be
 * possible: entries of writing parties of the channel, and, where this node holds the entry
 * named, one written before (by clock). This node's own chain it holds whole, so an entry of it
 * that does not exist cannot have been seen. Only positions that moved since the previous entry
 * are looked up.
 */
import { entryId } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import type { Channel, StoredEntry } from '../storage/storage.js';
import type { ReceiverContext } from './context.js';

export async function checkSeen(
  context: Pick<ReceiverContext, 'party' | 'chains' | 'channelChanges'>,
  channel: Channel,
  record: StoredEntry,
  before: Record<string, number>,
  after: Record<string, number>,
): Promise<void> {
  const id = entryId(record.channel, record.party, record.seq);
  for (const [party, position] of Object.entries(after)) {
    if (before[party] === position) continue;
    // A party being added may be seen by one node before the last agreement reaches this one;
    // every party signs such an amendment, so this node holds its proposal.
    if (!channel.parties[party] && !(await joining(context, channel, party))) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: seen_invalid: ${party} writes no chain in '${channel.id}'`,
      );
    }
    const seen = await context.chains.getEntry(channel.id, party, position);
    if (!seen && party === context.party) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: seen_invalid: names ${party}/${position}, which ${party} has not written`,
      );
    }
    if (seen && seen.hlc >= record.hlc) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: seen_invalid: names ${party}/${position}, written after it (${seen.hlc})`,
      );
    }
  }
}

async function joining(
  context: Pick<ReceiverContext, 'channelChanges'>,
  channel: Channel,
  party: string,
): Promise<boolean> {
  return (await context.channelChanges(channel)).list.some((change) => change.charter?.parties?.[party]);
}
