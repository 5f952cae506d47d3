/**
 * The web app's word-level diff (joint statement versions) and bracket handling, without a
 * browser: both are plain functions.
 */
import { describe, expect, it } from 'vitest';
import { findBrackets, resolveBracket } from '../../web/src/features/statements/brackets.js';
import { tokenize, wordDiff, type DiffPart } from '../../web/src/features/statements/word-diff.js';

const before = (parts: DiffPart[]) =>
  parts
    .filter((p) => p.op !== 'added')
    .map((p) => p.text)
    .join('');
const after = (parts: DiffPart[]) =>
  parts
    .filter((p) => p.op !== 'removed')
    .map((p) => p.text)
    .join('');

describe('wordDiff', () => {
  it('keeps every word and space, so both versions can be rebuilt from it', () => {
    const a = 'The parties agree to begin talks in March.';
    const b = 'The parties agree to prepare the ground for talks in  April.';
    const parts = wordDiff(a, b);
    expect(before(parts)).toBe(a);
    expect(after(parts)).toBe(b);
    expect(tokenize(a).join('')).toBe(a);
  });

  it('marks only the words that changed', () => {
    expect(wordDiff('agree to begin talks', 'agree to prepare talks')).toEqual([
      { op: 'same', text: 'agree to ' },
      { op: 'removed', text: 'begin' },
      { op: 'added', text: 'prepare' },
      { op: 'same', text: ' talks' },
    ]);
  });

  it('handles empty texts, identical texts, insertions and deletions', () => {
    expect(wordDiff('', '')).toEqual([]);
    expect(wordDiff('same words', 'same words')).toEqual([{ op: 'same', text: 'same words' }]);
    expect(wordDiff('', 'new text')).toEqual([{ op: 'added', text: 'new text' }]);
    expect(wordDiff('old text', '')).toEqual([{ op: 'removed', text: 'old text' }]);
    expect(wordDiff('a c', 'a b c')).toEqual([
      { op: 'same', text: 'a ' },
      { op: 'added', text: 'b ' },
      { op: 'same', text: 'c' },
    ]);
  });

  it('finds the longest common subsequence, not just a common head and tail', () => {
    const parts = wordDiff('x a b c y', 'z a b c w');
    expect(parts.filter((p) => p.op === 'same').map((p) => p.text)).toEqual([' a b c ']);
  });

  it('compares words by a given form, keeping the original spelling of those it finds the same', () => {
    const key = (word: string) => word.replace(/[\u2013\u2014]/g, '-').toLowerCase();
    expect(wordDiff('Talks on 21–23 March', 'talks on 21-23 April', key)).toEqual([
      { op: 'same', text: 'Talks on 21–23 ' },
      { op: 'removed', text: 'March' },
      { op: 'added', text: 'April' },
    ]);
    expect(wordDiff('21–23', '21-23')).toHaveLength(2);
  });

  it('works in Russian and stays fast on long texts', () => {
    const words = Array.from({ length: 900 }, (_, i) => `слово${i}`);
    const a = words.join(' ');
    const b = words.map((w, i) => (i % 100 === 0 ? 'замена' : w)).join(' ');
    const started = performance.now();
    const parts = wordDiff(a, b);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(after(parts)).toBe(b);
    expect(parts.filter((p) => p.op === 'added').length).toBe(9);
  });
});

describe('brackets', () => {
  it('finds disputed passages and resolves one by choosing an alternative', () => {
    const text = 'The parties [agree to begin talks | agree to prepare talks] in [March|April].';
    const found = findBrackets(text);
    expect(found.map((b) => b.alternatives)).toEqual([
      ['agree to begin talks', 'agree to prepare talks'],
      ['March', 'April'],
    ]);
    const once = resolveBracket(text, found[0]!, 'agree to prepare talks');
    expect(once).toBe('The parties agree to prepare talks in [March|April].');
    expect(resolveBracket(once, findBrackets(once)[0]!, 'April')).toBe(
      'The parties agree to prepare talks in April.',
    );
    expect(findBrackets('a [single] b')).toEqual([]);
  });
});
