/**
 * The bracket finder: the same brackets as the regular expression it replaced, found in linear
 * time, so a large hostile draft cannot stall the node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBrackets, type Bracket } from './brackets.js';

/** The earlier definition, as a reference: quadratic on some inputs, exact on small ones. */
function reference(text: string): Bracket[] {
  return [...text.matchAll(/\[([^[\]]*\|[^[\]]*)\]/g)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    alternatives: match[1]!.split('|').map((a) => a.trim()),
  }));
}

describe('findBrackets', () => {
  it('finds disputed passages and their alternatives', () => {
    const text = 'The parties [agree to begin talks | agree to prepare the ground for talks] on [a|b|c].';
    expect(findBrackets(text)).toEqual([
      {
        start: 12,
        end: 74,
        alternatives: ['agree to begin talks', 'agree to prepare the ground for talks'],
      },
      { start: 78, end: 85, alternatives: ['a', 'b', 'c'] },
    ]);
  });

  it('ignores brackets without alternatives, unclosed ones and nesting', () => {
    expect(findBrackets('[a] [b | c')).toEqual([]);
    expect(findBrackets('[x [a|b] y]')).toEqual([{ start: 3, end: 8, alternatives: ['a', 'b'] }]);
    expect(findBrackets('[|]')).toEqual([{ start: 0, end: 3, alternatives: ['', ''] }]);
  });

  it('agrees with the reference on random small drafts (property)', () => {
    const piece = fc.constantFrom('[', ']', '|', ' ', 'a', 'bc', '\n', 'é');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')),
        (text) => {
          expect(findBrackets(text)).toEqual(reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parses a 256 KiB draft full of brackets and bars quickly', () => {
    // Unclosed brackets full of bars made the regular expression quadratic in each run.
    const hostile = ('[' + '|'.repeat(8191)).repeat(32);
    const mixed = '[a|b] [c | '.repeat(24_000).slice(0, 256 * 1024);
    expect(hostile.length).toBe(256 * 1024);
    for (const text of [hostile, mixed]) {
      const started = performance.now();
      findBrackets(text);
      expect(performance.now() - started).toBeLessThan(200);
    }
    expect(findBrackets(mixed).length).toBeGreaterThan(10_000);
  });
});
