/**
 * A pushed or pulled entry before it is trusted: its stored form read with a plain parse (the
 * verifier decides whether the bytes are canonical and agree with it), and the bound on how far
 * ahead of this node's clock it may be dated.
 */
import { entryId, type EntryContent } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { parseHlc } from '../core/hlc.js';
import type { KindRegistry } from '../core/kinds.js';
import type { StoredEntry } from '../storage/storage.js';
import type { WireEntry } from './wire.js';

/**
 * How far a received entry's timestamp may be ahead of this node's wall clock. The clock moves
 * past every timestamp it sees; unbounded, one entry dated 9999 would push it past the last
 * timestamp that can be written, and every entry this node signs afterwards would be invalid. An
 * honest entry refused because its sender's clock runs fast is accepted on a later retry.
 */
export const MAX_HLC_AHEAD_MS = 5 * 60_000;

export interface IncomingEntry {
  record: StoredEntry;
  /** The body as sent (unchecked until the verifier has run). */
  body: unknown;
}

/**
 * The stored form of a received entry. Fields are read with a plain parse; whether the text is
 * canonical and agrees with them is the verifier's job, which runs before anything is stored.
 */
export function readIncoming(wire: WireEntry, kinds: KindRegistry): IncomingEntry {
  let content: Partial<EntryContent> = {};
  try {
    const parsed: unknown = JSON.parse(wire.canonical);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      content = parsed as Partial<EntryContent>;
  } catch {
    // Left empty: the verifier reports canonical_form.
  }
  const kind = typeof content.kind === 'string' ? content.kind : '';
  let ref: string | null = null;
  try {
    ref = kinds.get(kind)?.ref(content.body) ?? null;
  } catch {
    ref = null;
  }
  const record: StoredEntry = {
    channel: wire.channel,
    party: wire.party,
    seq: wire.seq,
    hash: sha256Hex(wire.canonical),
    canonical: wire.canonical,
    sig: wire.sig,
    kind,
    author: typeof content.author === 'string' ? content.author : '',
    precedence: content.precedence ?? 'ROUTINE',
    hlc: typeof content.hlc === 'string' ? content.hlc : '',
    ref,
    storedAt: Date.now(),
  };
  return { record, body: content.body };
}

/** Refuses an entry whose timestamp is further ahead of this node's clock than MAX_HLC_AHEAD_MS. */
export function checkTimestamp(record: StoredEntry, now: number): void {
  const timestamp = parseHlc(record.hlc);
  if (timestamp && timestamp.wall > now + MAX_HLC_AHEAD_MS) {
    throw new ParleyError(
      'entry_invalid',
      `${entryId(record.channel, record.party, record.seq)}: hlc_ahead: timestamp ${record.hlc} is ahead of this node's clock`,
    );
  }
}
