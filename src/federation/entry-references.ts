/**
 * References between entries, checked on arrival. Receipts (`read`, `understood`, `received`),
 * answers, clarifications, approvals, agreements, revisions and acceptances name another entry
 * of the channel as `{ party, seq, hash }` (the `of`, `ref` or `revises` field; an acceptance
 * names the charter as `{ party, hash }` at seq 0). A peer could otherwise store a receipt for
 * an entry not yet written, or a `received` receipt for seq 1,000,000 that would mark every
 * later entry delivered. So an entry is accepted only if what it names is held here (or comes
 * earlier in the same push), with exactly that hash, and was written before it (by clock).
 *
 * Where it can be known, a bad reference refuses the push: this node's own chain it holds whole,
 * and the sender's chain is verified in order, so a missing entry there was never written. An
 * entry of a third party's chain may simply not have reached this node yet (its node is slower,
 * or cut off); then the sender's chain stops before the entry that names it, as at a gap, and
 * the sender sends it again later. Nothing is stored that names what this node cannot check.
 */
import { entryId } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import type { Channel, Peer, StoredEntry } from '../storage/storage.js';
import type { EntryRef, ReceiverContext } from './context.js';

/** Body fields that name one entry of the same channel. */
const REFERENCE_FIELDS = ['of', 'ref', 'revises'] as const;

export interface NamedEntry extends EntryRef {
  /** The body field that names it. */
  field: string;
}

/** The entries a body names (whatever its kind; shapes are checked, values not trusted yet). */
export function referencesOf(kind: string, body: unknown): NamedEntry[] {
  if (!isObject(body)) return [];
  const named: NamedEntry[] = [];
  for (const field of REFERENCE_FIELDS) {
    const value = body[field];
    if (isObject(value) && typeof value.party === 'string' && typeof value.hash === 'string') {
      if (typeof value.seq === 'number' && Number.isSafeInteger(value.seq) && value.seq >= 0)
        named.push({ field, party: value.party, seq: value.seq, hash: value.hash });
    }
  }
  // An acceptance names the charter it accepts: seq 0 of the founder's chain.
  const charter = body.charter;
  if (kind === 'charter-accept' && isObject(charter)) {
    if (typeof charter.party === 'string' && typeof charter.hash === 'string')
      named.push({ field: 'charter', party: charter.party, seq: 0, hash: charter.hash });
  }
  return named;
}

/** What each reference of one entry resolved to, or that the entry must wait. */
export type Resolution =
  | { wait: false; targets: Array<{ named: NamedEntry; target: StoredEntry | null }> }
  | { wait: true; named: NamedEntry };

/**
 * Looks up what an entry names. `pending` holds the sender's entries accepted earlier in this
 * push (not stored yet). Waits only for an entry of a third party's chain not held yet; every
 * other problem is left to `checkReferences`, after the entry itself has been verified.
 */
export async function resolveReferences(
  context: Pick<ReceiverContext, 'party' | 'chains' | 'channelChanges'>,
  channel: Channel,
  from: Peer,
  record: StoredEntry,
  named: NamedEntry[],
  pending: StoredEntry[],
): Promise<Resolution> {
  const targets: Array<{ named: NamedEntry; target: StoredEntry | null }> = [];
  for (const ref of named) {
    let target: StoredEntry | null;
    if (ref.party === from.party) {
      target =
        ref.seq < record.seq
          ? (pending.find((e) => e.seq === ref.seq) ??
            (await context.chains.getEntry(channel.id, ref.party, ref.seq)))
          : null;
    } else {
      target = await context.chains.getEntry(channel.id, ref.party, ref.seq);
      const thirdParty = ref.party !== context.party;
      if (!target && thirdParty && (await writesChain(context, channel, ref.party))) {
        return { wait: true, named: ref };
      }
    }
    targets.push({ named: ref, target });
  }
  return { wait: false, targets };
}

/**
 * Refuses a verified entry whose references do not name, by their exact hash, entries written
 * before it. Throws entry_invalid with the rule `reference_unknown`.
 */
export function checkReferences(
  record: StoredEntry,
  resolved: Array<{ named: NamedEntry; target: StoredEntry | null }>,
): void {
  const id = entryId(record.channel, record.party, record.seq);
  for (const { named, target } of resolved) {
    const what = `${named.field} names ${named.party}/${named.seq}`;
    if (!target) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: reference_unknown: ${what}, which ${named.party} has not written (or this node does not hold)`,
      );
    }
    if (target.hash !== named.hash) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: reference_unknown: ${what} with hash ${named.hash}, but that entry's hash is ${target.hash}`,
      );
    }
    if (!(target.hlc < record.hlc)) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: reference_unknown: ${what}, which was written after it (${target.hlc})`,
      );
    }
  }
}

/** Whether `party` writes (or is being added to write) a chain of the channel. */
async function writesChain(
  context: Pick<ReceiverContext, 'channelChanges'>,
  channel: Channel,
  party: string,
): Promise<boolean> {
  if (channel.parties[party]) return true;
  return (await context.channelChanges(channel)).list.some((change) => change.charter?.parties?.[party]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
