/**
 * What an entry contributes to the search index (storage/contract/search.ts): its readable text
 * — the prose fields of its body (subject, title, text, read-back, reason, question, quoted
 * passage, a notification's field values…), subject and title first — with the index terms of
 * that text (terms.ts), its marking and when it was written. Entries the node signs (charters,
 * key publications, delivery receipts, escalation steps) and entries without prose (a bare
 * receipt) have no document: people search what people wrote. Pure.
 */
import type { CanonicalValue } from '../../core/canonical-json.js';
import { parseHlc } from '../../core/hlc.js';
import type { KindRegistry } from '../../core/kinds.js';
import type { SearchDocument, SearchIndexer, StoredEntry } from '../../storage/storage.js';
import { toLogged } from '../entries/present.js';
import { indexTerms } from './terms.js';

/** Body fields that hold prose, leading ones first; found at any depth of the body. */
const LEADING_FIELDS = ['subject', 'title'];
const PROSE_FIELDS = new Set([
  ...LEADING_FIELDS,
  'text',
  'summary',
  'minutes',
  'readBack',
  'reason',
  'note',
  'question',
  'quote',
  'correction',
  'statement',
  'what',
  'where',
  'term',
  'definition',
]);
/** Body fields whose every string value is prose (a notification's fields as filled in). */
const PROSE_RECORDS = new Set(['fields', 'readBackFields']);
/** More text than this is not indexed (the log keeps it all). */
const MAX_INDEXED_CHARS = 100_000;

function collect(
  value: CanonicalValue,
  key: string | null,
  inRecord: boolean,
  out: Map<string, string[]>,
): void {
  if (typeof value === 'string') {
    if (key !== null && (inRecord || PROSE_FIELDS.has(key))) {
      const list = out.get(LEADING_FIELDS.includes(key) ? 'lead' : 'rest') ?? [];
      list.push(value);
      out.set(LEADING_FIELDS.includes(key) ? 'lead' : 'rest', list);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, key, inRecord, out);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      collect(v, inRecord ? key : k, inRecord || PROSE_RECORDS.has(k), out);
    }
  }
}

/** The readable text of an entry's body: its prose fields, one per line, subject and title first. */
export function readableText(body: Record<string, CanonicalValue>): string {
  const found = new Map<string, string[]>();
  collect(body, null, false, found);
  const lines = [...(found.get('lead') ?? []), ...(found.get('rest') ?? [])].map((s) => s.trim());
  return [...new Set(lines.filter((s) => s.length > 0))].join('\n').slice(0, MAX_INDEXED_CHARS);
}

/** The search document of a stored entry, or null when it has nothing a person would search. */
export function searchDocumentOf(kinds: KindRegistry, entry: StoredEntry): SearchDocument | null {
  const definition = kinds.get(entry.kind);
  if (!definition || definition.authoredBy === 'node') return null;
  const logged = toLogged(entry);
  const text = readableText(logged.body);
  if (text.length === 0) return null;
  return {
    text,
    terms: indexTerms(text),
    marking: logged.marking ?? null,
    at: parseHlc(logged.hlc)?.wall ?? entry.storedAt,
  };
}

/** The indexer the node hands its storage. */
export function searchIndexer(kinds: KindRegistry): SearchIndexer {
  return (entry) => searchDocumentOf(kinds, entry);
}
