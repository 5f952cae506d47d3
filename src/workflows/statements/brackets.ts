/**
 * Disputed passages of a joint statement draft: `[agree to begin talks | agree to prepare the
 * ground for talks]`, two or more alternatives in square brackets. Pure, with no imports, so the
 * node and the web app find them the same way.
 *
 * One pass over the text: a bracket is a `[` whose next square bracket is a `]`, with a `|`
 * between them (brackets do not nest). A regular expression for this backtracks quadratically
 * on drafts full of unclosed `[` and `|`, which any member could post.
 */
export interface Bracket {
  start: number;
  end: number;
  alternatives: string[];
}

export function findBrackets(text: string): Bracket[] {
  const found: Bracket[] = [];
  let open = -1;
  let hasBar = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x5b /* [ */) {
      open = i;
      hasBar = false;
    } else if (c === 0x7c /* | */) {
      hasBar = true;
    } else if (c === 0x5d /* ] */) {
      if (open >= 0 && hasBar) {
        found.push({
          start: open,
          end: i + 1,
          alternatives: text
            .slice(open + 1, i)
            .split('|')
            .map((a) => a.trim()),
        });
      }
      open = -1;
    }
  }
  return found;
}
