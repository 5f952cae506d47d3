import { describe, expect, it } from 'vitest';
import { readableText } from './index-entry.js';
import { highlight } from './snippet.js';
import { indexTerms, queryTerms } from './terms.js';

const holds = (text: string, query: string): boolean => {
  const indexed = new Set(indexTerms(text).split(' '));
  return queryTerms(query).every((t) => indexed.has(t));
};

describe('search terms', () => {
  it('meet a Russian word in another inflection, and ё as е', () => {
    expect(holds('Достигнута договорённость о встрече', 'договорённости')).toBe(true);
    expect(holds('Договоренностей нет', 'договорённость')).toBe(true);
    expect(holds('Переговоры продолжатся', 'переговорах')).toBe(true);
  });

  it('meet an English word in another inflection, case aside', () => {
    expect(holds('The parties negotiated a hotline', 'negotiations')).toBe(true);
    expect(holds('EXERCISE notice', 'exercises')).toBe(true);
    expect(holds('The parties negotiated a hotline', 'negotiations moscow')).toBe(false);
  });

  it('drop words without content of their own unless nothing else is asked', () => {
    expect(queryTerms('the talks')).toEqual(queryTerms('talks'));
    expect(queryTerms('the')).toEqual(['the']);
    expect(queryTerms('  !! ')).toEqual([]);
  });

  it('keep words with digits as they are', () => {
    expect(queryTerms('18-го 2026')).toEqual(['18', 'го', '2026']);
    expect(holds('Встреча 18-го декабря 2026', '2026')).toBe(true);
  });
});

describe('snippets', () => {
  it('mark every word holding a searched term, in its own inflection', () => {
    const parts = highlight(
      'Стороны подтвердили договорённость; договорённости соблюдаются.',
      queryTerms('договорённостям'),
    );
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['договорённость', 'договорённости']);
    expect(parts.map((p) => p.text).join('')).toBe(
      'Стороны подтвердили договорённость; договорённости соблюдаются.',
    );
  });

  it('cut a long text around the first match with ellipses', () => {
    const text = `${'word '.repeat(100)}hotline ${'tail '.repeat(100)}`;
    const parts = highlight(text, queryTerms('hotline'));
    expect(parts[0]!.text.startsWith('…')).toBe(true);
    expect(parts.at(-1)!.text.endsWith('…')).toBe(true);
    expect(parts.find((p) => p.match)?.text).toBe('hotline');
    expect(parts.map((p) => p.text).join('').length).toBeLessThan(240);
  });
});

describe('readable text', () => {
  it('takes prose fields, subject first, and leaves hashes and references out', () => {
    const text = readableText({
      text: 'Main text',
      subject: 'Subject line',
      of: { party: 'RU', seq: 3, hash: 'a'.repeat(64) },
      passage: { quote: 'quoted words', start: 0, end: 5 },
      fields: { area: 'Baltic Sea', count: 3 },
    });
    expect(text.split('\n')).toEqual(['Subject line', 'Main text', 'quoted words', 'Baltic Sea']);
  });
});
