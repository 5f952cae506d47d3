import { describe, expect, it } from 'vitest';
import {
  checkGlossary,
  containsRendering,
  resolveGlossary,
  type GlossaryAgreement,
  type GlossaryProposal,
  type GlossaryTerm,
} from './glossary.js';

const terms: GlossaryTerm[] = [
  { term: 'hotline', renderings: { ru: 'прямая линия', en: 'hotline' } },
  { term: 'exercise', renderings: { ru: 'учения', en: 'exercise' } },
  { term: 'incident-at-sea', renderings: { ru: 'инцидент на море', en: 'incident at sea' } },
];

describe('containsRendering', () => {
  it('matches whole words, ignoring case, in Latin and Cyrillic', () => {
    expect(containsRendering('The Hotline was tested.', 'hotline')).toBe(true);
    expect(containsRendering('ПРЯМАЯ ЛИНИЯ работает', 'прямая линия')).toBe(true);
    expect(containsRendering('Учения начнутся 21 февраля', 'учения')).toBe(true);
    // Part of another word is not the term.
    expect(containsRendering('hotlines are many', 'hotline')).toBe(false);
    expect(containsRendering('обучения персонала', 'учения')).toBe(false);
  });

  it('lets any whitespace stand between the words of a rendering, and treats punctuation as a boundary', () => {
    expect(containsRendering('an incident\nat  sea', 'incident at sea')).toBe(true);
    expect(containsRendering('(hotline)', 'hotline')).toBe(true);
    expect(containsRendering('«учения»', 'учения')).toBe(true);
  });

  it('does not treat regular-expression characters in a rendering as patterns', () => {
    expect(containsRendering('C++ code', 'c++')).toBe(true);
    expect(containsRendering('Cxx code', 'c++')).toBe(false);
  });

  it('compares composed and decomposed forms alike (NFC)', () => {
    expect(containsRendering('Приём', 'прие\u0308м')).toBe(true);
  });

  it('matches substrings in scripts that do not separate words', () => {
    expect(containsRendering('我们将进行演习。', '演习')).toBe(true);
  });

  it('does not handle inflection: an inflected form is another word (out of scope)', () => {
    expect(containsRendering('после учений', 'учения')).toBe(false);
  });
});

describe('checkGlossary', () => {
  it('passes a Russian → English translation that uses the agreed renderings', () => {
    const original = { lang: 'ru', text: 'Уведомляем о проведении учения по прямой линии.' };
    const translation = { lang: 'en', text: 'We notify you of an exercise over the hotline.' };
    // «прямой линии» is inflected, so only «учения» is recognised in the original.
    expect(checkGlossary(original, translation, terms)).toEqual([]);
  });

  it('flags an agreed term rendered differently', () => {
    const original = { lang: 'ru', text: 'Учения пройдут с 21 по 23 февраля.' };
    const translation = { lang: 'en', text: 'Manoeuvres will take place from 21 to 23 February.' };
    expect(checkGlossary(original, translation, terms)).toEqual([
      { term: 'exercise', expected: 'exercise', original: 'учения' },
    ]);
  });

  it('flags English → Russian as well, once per term', () => {
    const original = { lang: 'en', text: 'The hotline test and the hotline drill; an incident at sea.' };
    const translation = { lang: 'ru', text: 'Проверка горячей линии; инцидент на море.' };
    expect(checkGlossary(original, translation, terms)).toEqual([
      { term: 'hotline', expected: 'прямая линия', original: 'hotline' },
    ]);
  });

  it('skips terms without a rendering in either language', () => {
    const partial: GlossaryTerm[] = [{ term: 'x', renderings: { ru: 'учения' } }];
    expect(checkGlossary({ lang: 'ru', text: 'учения' }, { lang: 'en', text: 'drill' }, partial)).toEqual([]);
  });
});

describe('resolveGlossary', () => {
  // Both parties joined before anything here was proposed.
  const both = { RU: '', US: '' };

  const proposal = (party: string, seq: number, hlc: string, term: string, en: string): GlossaryProposal => ({
    id: `c/${party}/${seq}`,
    party,
    seq,
    hash: `${party}${seq}`.padEnd(64, '0'),
    author: `${party.toLowerCase()}-head`,
    hlc,
    term,
    renderings: { ru: 'учения', en },
  });
  const agree = (party: string, seq: number, hlc: string, of: GlossaryProposal): GlossaryAgreement => ({
    id: `c/${party}/${seq}`,
    party,
    seq,
    hash: `${party}${seq}`.padEnd(64, '1'),
    author: `${party.toLowerCase()}-head`,
    hlc,
    of: { party: of.party, seq: of.seq, hash: of.hash },
  });

  it('keeps a proposal pending until every party has signed it', () => {
    const first = proposal('RU', 3, '2026-02-20T08:00:00.000Z/000000', 'exercise', 'exercise');
    const pending = resolveGlossary([first], [], both);
    expect(pending.agreed).toEqual([]);
    expect(pending.pending).toMatchObject([{ id: 'c/RU/3', agreedBy: ['RU'], waitingFor: ['US'] }]);

    const agreed = resolveGlossary([first], [agree('US', 5, '2026-02-20T08:05:00.000Z/000000', first)], both);
    expect(agreed.pending).toEqual([]);
    expect(agreed.agreed).toMatchObject([
      {
        term: 'exercise',
        agreedBy: ['RU', 'US'],
        agreedAt: '2026-02-20T08:05:00.000Z/000000',
        supersedes: null,
      },
    ]);
  });

  it('ignores agreements naming another hash, and agreements of non-parties', () => {
    const first = proposal('RU', 3, '2026-02-20T08:00:00.000Z/000000', 'exercise', 'exercise');
    const wrongHash = { ...agree('US', 5, '2026-02-20T08:05:00.000Z/000000', first) };
    wrongHash.of = { ...wrongHash.of, hash: 'f'.repeat(64) };
    const observer = agree('NATO', 2, '2026-02-20T08:06:00.000Z/000000', first);
    const state = resolveGlossary([first], [wrongHash, observer], both);
    expect(state.pending).toMatchObject([{ waitingFor: ['US'] }]);
  });

  it('lets a later agreed proposal of the same term supersede the earlier, and drops older pending ones', () => {
    const first = proposal('RU', 3, '2026-02-20T08:00:00.000Z/000000', 'exercise', 'exercise');
    const stale = proposal('US', 4, '2026-02-20T08:01:00.000Z/000000', 'exercise', 'drill');
    const second = proposal('US', 6, '2026-02-20T09:00:00.000Z/000000', 'exercise', 'military exercise');
    const newer = proposal('RU', 9, '2026-02-20T10:00:00.000Z/000000', 'exercise', 'manoeuvres');
    const state = resolveGlossary(
      [newer, second, stale, first],
      [
        agree('US', 5, '2026-02-20T08:05:00.000Z/000000', first),
        agree('RU', 7, '2026-02-20T09:05:00.000Z/000000', second),
      ],
      both,
    );
    expect(state.agreed).toHaveLength(1);
    expect(state.agreed[0]).toMatchObject({
      id: 'c/US/6',
      renderings: { en: 'military exercise' },
      supersedes: 'c/RU/3',
    });
    // The stale proposal predates the term in force; only the newer one can still take effect.
    expect(state.pending.map((p) => p.id)).toEqual(['c/RU/9']);
  });

  it('neither undoes a term agreed before a party joined nor settles an open one without it', () => {
    const first = proposal('RU', 3, '2026-02-20T08:00:00.000Z/000000', 'exercise', 'exercise');
    const usAgrees = agree('US', 5, '2026-02-20T08:05:00.000Z/000000', first);
    const withFr = { ...both, FR: '2026-02-20T09:00:00.000Z/000000' };
    expect(resolveGlossary([first], [usAgrees], withFr).agreed).toMatchObject([{ agreedBy: ['RU', 'US'] }]);

    const late = proposal('RU', 8, '2026-02-20T08:30:00.000Z/000000', 'hotline', 'hotline');
    const usLate = agree('US', 9, '2026-02-20T09:10:00.000Z/000000', late);
    const open = resolveGlossary([late], [usLate], withFr);
    expect(open.pending).toMatchObject([{ id: 'c/RU/8', waitingFor: ['FR'] }]);
    const frAgrees = agree('FR', 2, '2026-02-20T09:20:00.000Z/000000', late);
    expect(resolveGlossary([late], [usLate, frAgrees], withFr).agreed).toMatchObject([
      { agreedBy: ['RU', 'US', 'FR'], agreedAt: '2026-02-20T09:20:00.000Z/000000' },
    ]);
  });

  it('agrees at once in a channel of one party', () => {
    const only = proposal('RU', 3, '2026-02-20T08:00:00.000Z/000000', 'exercise', 'exercise');
    expect(resolveGlossary([only], [], { RU: '' }).agreed).toHaveLength(1);
  });
});
