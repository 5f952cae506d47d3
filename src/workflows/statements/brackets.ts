/**
 * Disputed passages of a joint statement draft: `[agree to begin talks | agree to prepare the
 * ground for talks]`, two or more alternatives in square brackets. Pure, with no imports, so the
 * node and the web app find them the same way.
 */
export interface Bracket {
  start: number;
  end: number;
  alternatives: string[];
}

export function findBrackets(text: string): Bracket[] {
  const found: Bracket[] = [];
  for (const match of text.matchAll(/\[([^[\]]*\|[^[\]]*)\]/g)) {
    found.push({
      start: match.index,
      end: match.index + match[0].length,
      alternatives: match[1]!.split('|').map((a) => a.trim()),
    });
  }
  return found;
}
