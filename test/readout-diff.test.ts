/**
 * The readout comparison the web app shows side by side: sentences split as written, normalised
 * (case, spacing, punctuation), agreed or divergent, and the differing words of a divergent
 * sentence marked by a word-level longest common subsequence.
 */
import { describe, expect, it } from 'vitest';
import {
  commonWords,
  compareReadouts,
  markWords,
  normalise,
  similarity,
  splitSentences,
} from '../web/src/features/contacts/readout-diff.js';

describe('readout comparison', () => {
  it('splits sentences so that they join back into the text as written', () => {
    const text = 'First point.  Second one?! Third — with a dash…\nFourth line without stop';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text).join('')).toBe(text);
    expect(sentences.map((s) => s.normal)).toEqual([
      'first point',
      'second one',
      'third with a dash',
      'fourth line without stop',
    ]);
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('«Да», — сказал он. Нет.').map((s) => s.normal)).toEqual(['да сказал он', 'нет']);
  });

  it('normalises case, spacing and punctuation', () => {
    expect(normalise('  Agreed,   48 HOURS!  ')).toBe('agreed 48 hours');
    expect(normalise('Стороны  ОБСУДИЛИ ёлку.')).toBe('стороны обсудили елку');
    expect(normalise('— ...')).toBe('');
  });

  it('finds the longest common subsequence of words', () => {
    expect(commonWords(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e'])).toEqual([true, false, true, true]);
    expect(commonWords([], ['a'])).toEqual([]);
    expect(commonWords(['X', 'y'], ['x', 'Y'])).toEqual([true, true]);
    expect(similarity('one two three four', 'one two three five')).toBeCloseTo(0.75);
    expect(similarity('', 'one')).toBe(0);
  });

  it('marks the words that differ, keeping the sentence as written', () => {
    const parts = markWords(
      'Both sides will notify 48 hours ahead.',
      'Both sides will notify 24 hours ahead.',
    );
    expect(parts.map((p) => p.text).join('')).toBe('Both sides will notify 48 hours ahead.');
    expect(parts.filter((p) => p.differs).map((p) => p.text)).toEqual(['48']);
    // A changed phrase is one mark, separators included.
    const phrase = markWords('We meet on Monday next week.', 'We meet on Friday this week.');
    expect(phrase.filter((p) => p.differs).map((p) => p.text)).toEqual(['Monday next']);
  });

  it('marks agreed and divergent sentences on both sides', () => {
    const ru =
      'The parties reviewed the exercise schedule. Both sides agreed to notify each other 48 hours ahead.';
    const us =
      'the parties   reviewed the exercise schedule! Both sides agreed to notify each other 24 hours ahead. The US raised the hotline test.';
    const result = compareReadouts(ru, us);
    expect(result.agreed).toBe(1);
    expect(result.divergent).toEqual({ left: 1, right: 2 });
    expect(result.left.map((s) => s.state)).toEqual(['agreed', 'divergent']);
    expect(result.right.map((s) => s.state)).toEqual(['agreed', 'divergent', 'divergent']);
    expect(result.left.map((s) => s.text).join('')).toBe(ru);
    expect(result.right.map((s) => s.text).join('')).toBe(us);
    expect(result.left[1]!.words!.filter((w) => w.differs).map((w) => w.text)).toEqual(['48']);
    expect(result.right[1]!.words!.filter((w) => w.differs).map((w) => w.text)).toEqual(['24']);
    // Nothing similar on the other side: divergent, no word marks.
    expect(result.right[2]!.words).toBeNull();
    expect(compareReadouts(ru, us, { words: false }).left[1]!.words).toBeNull();
  });

  it('treats texts in different languages as divergent throughout', () => {
    const result = compareReadouts('Стороны обсудили график.', 'The parties discussed the schedule.');
    expect(result.agreed).toBe(0);
    expect(result.left[0]!.words).toBeNull();
  });
});
