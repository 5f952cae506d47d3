/**
 * Index terms of a text, the same for what is indexed and what is asked: words are runs of
 * letters and digits (Unicode), normalised (stemming.ts), and reduced by the Snowball stemmer of
 * their script (https://snowballstem.org/algorithms/): Cyrillic words by the Russian one, other
 * letters by the English one, words with digits kept as they are. The script, not the entry's
 * language tag, chooses, so a Russian word quoted in an English note and a query typed without a
 * language both meet the stems they were indexed under ("договорённости" and "договорённость" →
 * `договорен`, "negotiations" and "negotiated" → `negoti`). Pure: no I/O.
 */
import { isStopWord, normaliseWord, snowballStem } from '../language/stemming.js';

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;

/** The language whose stemmer a normalised word gets: by script. */
export function wordLanguage(normal: string): 'ru' | 'en' {
  return CYRILLIC.test(normal) ? 'ru' : 'en';
}

/** The index term of one normalised word. */
export function termOf(normal: string): string {
  if (/\d/.test(normal)) return normal;
  return snowballStem(normal, wordLanguage(normal));
}

/** Every index term of a normalised text, in order. */
function termsOfNormal(normal: string): string[] {
  return (normal.match(WORD) ?? []).map(termOf);
}

/** The words of a text where they stand, each with its terms (one, or more where NFKC splits it). */
export function wordsOf(text: string): Array<{ start: number; end: number; terms: string[] }> {
  return [...text.matchAll(WORD)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    terms: termsOfNormal(normaliseWord(match[0])),
  }));
}

/** Every index term of a text, in order, joined by spaces (what storage indexes). */
export function indexTerms(text: string): string {
  return termsOfNormal(normaliseWord(text)).join(' ');
}

/**
 * The distinct terms of a query, all of which a hit must hold: words without content of their
 * own ("the", "и") are dropped unless the query has nothing else.
 */
export function queryTerms(query: string): string[] {
  const words = (normaliseWord(query).match(WORD) ?? []).filter((w) => w.length > 0);
  const content = words.filter((w) => !isStopWord(w, wordLanguage(w)));
  return [...new Set((content.length > 0 ? content : words).map(termOf))];
}
