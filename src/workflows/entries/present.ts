/**
 * Decoding stored entries: for kind rules (`LoggedEntry`) and for clients (`EntryView`, whose
 * zod schema in views.ts documents it in the OpenAPI document).
 */
import { parseCanonical } from '../../core/canonical-json.js';
import { entryId, type EntryContent } from '../../core/entry.js';
import type { LoggedEntry } from '../../core/kinds.js';
import type { CursoredEntry, StoredEntry } from '../../storage/storage.js';

/** An entry as clients see it: the signed content plus where and when it was stored. */
export interface EntryView extends EntryContent {
  id: string;
  hash: string;
  sig: string;
  cursor: number | null;
  storedAt: number;
}

/** Decodes a stored entry for kind rules. */
export function toLogged(entry: StoredEntry): LoggedEntry {
  const content = parseCanonical(entry.canonical) as unknown as EntryContent;
  return {
    id: entryId(entry.channel, entry.party, entry.seq),
    party: entry.party,
    seq: entry.seq,
    hash: entry.hash,
    kind: entry.kind,
    author: entry.author,
    precedence: content.precedence,
    lang: content.lang,
    hlc: content.hlc,
    ...(content.marking ? { marking: content.marking } : {}),
    body: content.body,
  };
}

/** Decodes a stored entry for clients. */
export function toView(entry: StoredEntry | CursoredEntry, cursor: number | null): EntryView {
  const content = parseCanonical(entry.canonical) as unknown as EntryContent;
  return {
    ...content,
    id: entryId(entry.channel, entry.party, entry.seq),
    hash: entry.hash,
    sig: entry.sig,
    cursor,
    storedAt: entry.storedAt,
  };
}
