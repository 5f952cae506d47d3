/**
 * The highlighted snippet of a hit: a window of the entry's readable text around its first
 * matching word, as parts marked `match` where a word holds one of the query's terms (terms.ts),
 * so "договорённости" is marked in a text that says "договорённость". Parts, not markup: each
 * client renders the marks its own way (the web app as `<mark>`, the CLI in brackets) and no
 * entry text is ever interpreted as HTML. Pure.
 */
import { wordsOf } from './terms.js';

export interface SnippetPart {
  text: string;
  match: boolean;
}

/** Characters of text a snippet shows at most (plus the ellipses where it is cut). */
export const SNIPPET_CHARS = 220;
/** How much of the window comes before the first match. */
const LEAD_CHARS = 60;

const tidy = (text: string): string => text.replace(/\s+/g, ' ');

/** The snippet of `text` for a query's terms. */
export function highlight(text: string, terms: readonly string[], width = SNIPPET_CHARS): SnippetPart[] {
  const wanted = new Set(terms);
  const words = wordsOf(text);
  const matches = words.filter((w) => w.terms.some((t) => wanted.has(t)));
  const first = matches[0];
  // The window starts at a word, at most LEAD_CHARS before the first match, and ends after a word.
  const from = first ? (words.find((w) => w.end > first.start - LEAD_CHARS)?.start ?? 0) : 0;
  const start = from <= (words[0]?.start ?? 0) ? 0 : from;
  const limit = start + width;
  const last = [...words].reverse().find((w) => w.end <= limit && w.start >= start);
  const end = text.length <= limit ? text.length : (last?.end ?? limit);

  const parts: SnippetPart[] = [];
  const push = (part: string, match: boolean): void => {
    if (part.length === 0) return;
    const previous = parts.at(-1);
    if (previous && previous.match === match) previous.text += part;
    else parts.push({ text: part, match });
  };
  if (start > 0) push('…', false);
  let at = start;
  for (const word of matches) {
    if (word.start < start || word.end > end) continue;
    push(tidy(text.slice(at, word.start)), false);
    push(text.slice(word.start, word.end), true);
    at = word.end;
  }
  push(tidy(text.slice(at, end)), false);
  if (end < text.length) push('…', false);
  return parts;
}
