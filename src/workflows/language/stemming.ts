/**
 * Per-language normalisation and stemming of readout words. A word is normalised (Unicode NFKC,
 * lower case, `ё` as `е`, typographic apostrophes as `'`), then reduced by the Snowball stemmer
 * of its language (https://snowballstem.org/algorithms/, Russian and English here, the other
 * Snowball languages by name), then truncated to its first {@link STEM_PREFIX} letters: Snowball
 * leaves some derivations apart (`notify` → `notifi`, `notification` → `notif`; `уведомлять` →
 * `уведомля`, `уведомление` → `уведомлен`) and a short prefix joins them, the classic
 * "truncation after stemming" trade of a little precision for recall. Readouts compare words with
 * it; search (workflows/search/terms.ts) indexes untruncated stems. Pure: no I/O.
 */
import { newStemmer } from 'snowball-stemmers';

/** Letters of a stem that are kept; see the module comment. */
export const STEM_PREFIX = 5;

const ALGORITHMS: Record<string, string> = {
  en: 'english',
  ru: 'russian',
  de: 'german',
  fr: 'french',
  es: 'spanish',
  it: 'italian',
  uk: 'russian',
};

type Stem = (word: string) => string;
const stemmers = new Map<string, Stem>();

/** The primary language subtag of a BCP 47 tag: `en-GB` → `en`. */
export const baseLanguage = (lang: string): string => lang.toLowerCase().split('-')[0] ?? lang;

/**
 * Stems already computed, per language. Words of real text repeat (a few thousand cover most of
 * any language's running text), and a Snowball stem costs microseconds that every indexed entry
 * would pay per word: the search index is written with each append. Bounded: when full it starts
 * over, so memory stays under a few MiB whatever is written.
 */
const STEM_MEMO_LIMIT = 50_000;

function memoised(stem: Stem): Stem {
  let memo = new Map<string, string>();
  return (word) => {
    let stemmed = memo.get(word);
    if (stemmed === undefined) {
      stemmed = stem(word);
      if (memo.size >= STEM_MEMO_LIMIT) memo = new Map();
      memo.set(word, stemmed);
    }
    return stemmed;
  };
}

function stemmerFor(lang: string): Stem {
  const base = baseLanguage(lang);
  let stem = stemmers.get(base);
  if (!stem) {
    const algorithm = ALGORITHMS[base];
    if (algorithm) {
      const stemmer = newStemmer(algorithm);
      stem = memoised((word) => stemmer.stem(word));
    } else stem = (word) => word;
    stemmers.set(base, stem);
  }
  return stem;
}

/** Case, compatibility forms and `ё` folded: the form every comparison starts from. */
export function normaliseWord(word: string): string {
  return word.normalize('NFKC').toLocaleLowerCase().replace(/ё/g, 'е').replace(/[’‘ʼ]/g, "'");
}

/** The Snowball stem of a normalised word in a language, untruncated (search keeps derivations apart). */
export function snowballStem(normal: string, lang: string): string {
  return stemmerFor(lang)(normal);
}

/** The comparison key of a word in a language: normalised, stemmed, truncated. */
export function stemWord(word: string, lang: string): string {
  const normal = normaliseWord(word);
  // Snowball works on letters; digits and mixed tokens (`18th`, `18-го`) are kept as they are.
  if (/\d/.test(normal)) return normal;
  return stemmerFor(lang)(normal).slice(0, STEM_PREFIX);
}

const STOP_WORDS: Record<string, Set<string>> = {
  en: new Set(
    'a an the and or of to in on at by for with from as is are was were be been being it its this that these those their there they them he she his her we our us you your i which who whom whose what when where how also both each other any all some such than then so into over about after before during between upon per via said says say stated noted parties party side sides has have had do does did done until will would can should shall'.split(
      ' ',
    ),
  ),
  ru: new Set(
    'и или а но в во на по к ко с со о об от до из за у при для как что чтобы это этот эта эти тот та те его ее их он она они мы вы я же ли бы был была были было быть есть также так уже еще о об между после перед во время который которая которые которых стороны сторон сторона сторонами заявил заявила заявили отметил отметили отметила до будет будут был'.split(
      ' ',
    ),
  ),
};

/** Whether a normalised word carries no content of its own (articles, prepositions, "the parties"). */
export function isStopWord(normal: string, lang: string): boolean {
  return STOP_WORDS[baseLanguage(lang)]?.has(normal) ?? false;
}
