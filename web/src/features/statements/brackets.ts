/**
 * Disputed passages of a joint statement draft: `[agree to begin talks | agree to prepare talks]`
 * with two or more alternatives, found by the node's own function (src/workflows/statements/brackets.ts,
 * reached through lib/shared.ts; `.js` because node-side tests import this file too).
 */
import { findBrackets, type Bracket } from '../../lib/shared.js';

export { findBrackets, type Bracket };

/** The text with one bracket replaced by the chosen alternative. */
export function resolveBracket(text: string, bracket: Bracket, alternative: string): string {
  return text.slice(0, bracket.start) + alternative + text.slice(bracket.end);
}

/** Splits a text into plain runs and brackets, for highlighting. */
export function splitBrackets(text: string): Array<string | Bracket> {
  const out: Array<string | Bracket> = [];
  let at = 0;
  for (const bracket of findBrackets(text)) {
    if (bracket.start > at) out.push(text.slice(at, bracket.start));
    out.push(bracket);
    at = bracket.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
