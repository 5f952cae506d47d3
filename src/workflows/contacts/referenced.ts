/** The entry a contact entry names (`{party, seq, hash}`), checked to exist with that hash and kind. */
import { KindRuleError, type KindCheckContext, type LoggedEntry } from '../../core/kinds.js';
import type { EntryRef } from '../obligations/kinds.js';

export async function referenced(
  context: KindCheckContext,
  of: EntryRef,
  kinds: string | readonly string[],
  field = 'of',
): Promise<LoggedEntry> {
  const entry = await context.getEntry(of.party, of.seq);
  if (!entry)
    throw new KindRuleError(
      'entry_not_found',
      `${field}: entry ${context.channel.id}/${of.party}/${of.seq} does not exist`,
    );
  const allowed = typeof kinds === 'string' ? [kinds] : kinds;
  if (entry.hash !== of.hash)
    throw new KindRuleError('ref_invalid', `${field}: ${entry.id} has another hash than the one referred to`);
  if (!allowed.includes(entry.kind))
    throw new KindRuleError(
      'ref_invalid',
      `${field}: ${entry.id} is a ${entry.kind}, not the ${allowed.join(' or ')} referred to`,
    );
  return entry;
}

/** `<party>/<seq>` of a reference: the `ref` of the entries that name it. */
export const refKey = (of: EntryRef): string => `${of.party}/${of.seq}`;
