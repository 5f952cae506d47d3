/**
 * What a readout sentence asserts that two paraphrases must not disagree on: numbers, dates,
 * times of day, durations, a limit of validity or its absence ("until the 18th" / "no expiry"),
 * negation ("agreed" / "did not agree") and modality ("will" / "may"). Each fact keeps the
 * word range it came from, so that a conflict can mark the words. English and Russian cue lists
 * (inflected forms by pattern); numbers written as digits or as words up to the tens. Pure.
 */
import { baseLanguage } from '../../language/stemming.js';

/** A word of a sentence, with where it is (offsets into the sentence). */
export interface Token {
  text: string;
  /** Normalised (see normaliseWord). */
  normal: string;
  start: number;
  end: number;
}

export type FactType = 'number' | 'date' | 'time' | 'duration' | 'validity' | 'negation' | 'modality';

export interface Fact {
  type: FactType;
  /** Comparable value: `48`, `m2-d18`, `t960`, `d2880` (minutes), `unbounded`, `neg`, `may`. */
  value: string;
  /** Token indices [from, to) the fact was read from. */
  from: number;
  to: number;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  hundred: 100,
  'twenty-four': 24,
  'forty-eight': 48,
  'seventy-two': 72,
  один: 1,
  одна: 1,
  одно: 1,
  одного: 1,
  одной: 1,
  одну: 1,
  два: 2,
  двое: 2,
  трое: 3,
  двоих: 2,
  две: 2,
  двух: 2,
  три: 3,
  трех: 3,
  четыре: 4,
  четырех: 4,
  пять: 5,
  пяти: 5,
  шесть: 6,
  шести: 6,
  семь: 7,
  семи: 7,
  восемь: 8,
  восьми: 8,
  девять: 9,
  девяти: 9,
  десять: 10,
  десяти: 10,
  двенадцать: 12,
  двенадцати: 12,
  пятнадцать: 15,
  пятнадцати: 15,
  двадцать: 20,
  двадцати: 20,
  тридцать: 30,
  тридцати: 30,
  сорок: 40,
  сорока: 40,
  пятьдесят: 50,
  ста: 100,
  сто: 100,
};

/** Minutes in one unit of a duration. */
const UNITS: Array<[RegExp, number]> = [
  [/^(minutes?|мин|минут[аыу]?)$/, 1],
  [/^(hours?|час|часа|часов|часам|часах)$/, 60],
  [/^(days?|сутки|суток|день|дня|дней|дням)$/, 1440],
  [/^(weeks?|недел[яиюе]|недель)$/, 10080],
  [/^(months?|месяц|месяца|месяцев)$/, 43200],
  [/^(years?|год|года|лет)$/, 525600],
];

const MONTHS: RegExp[] = [
  /^(january|jan|январ[ьяею])$/,
  /^(february|feb|феврал[ьяею])$/,
  /^(march|mar|март[аеу]?)$/,
  /^(april|apr|апрел[ьяею])$/,
  /^(may|ма[йяею])$/,
  /^(june|jun|июн[ьяею])$/,
  /^(july|jul|июл[ьяею])$/,
  /^(august|aug|август[аеу]?)$/,
  /^(september|sep|sept|сентябр[ьяею])$/,
  /^(october|oct|октябр[ьяею])$/,
  /^(november|nov|ноябр[ьяею])$/,
  /^(december|dec|декабр[ьяею])$/,
];

const WEEKDAYS: RegExp[] = [
  /^(monday|понедельник[а]?)$/,
  /^(tuesday|вторник[а]?)$/,
  /^(wednesday|сред[ауы])$/,
  /^(thursday|четверг[а]?)$/,
  /^(friday|пятниц[аеуы])$/,
  /^(saturday|суббот[аеуы])$/,
  /^(sunday|воскресень[ея])$/,
];

interface Cues {
  negation: RegExp;
  /** Phrases that look negative but set a bound ("no later than", "не позднее"). */
  notNegation: RegExp[];
  weak: RegExp;
  strong: RegExp;
  /** Phrases saying something has no limit in time, as normalised word sequences. */
  unbounded: RegExp[];
}

const CUES: Record<string, Cues> = {
  en: {
    negation:
      /^(not|no|never|none|neither|nor|without|cannot|refus\p{L}*|declin\p{L}*|reject\p{L}*|\p{L}+n't)$/u,
    notNegation: [/^no later$/u, /^not later$/u, /^not only$/u, /^no sooner$/u, /^not before$/u],
    weak: /^(may|might|could|possibly|possible|perhaps|consider\p{L}*|explor\p{L}*|potentially)$/u,
    strong: /^(will|shall|must|agreed|agree|agrees|commit\p{L}*|undert\p{L}*|confirmed|decided)$/u,
    unbounded: [
      /^no expir\p{L}*$/u,
      /^without expir\p{L}*$/u,
      /^indefinite\p{L}*$/u,
      /^open-ended$/u,
      /^no (time )?limit$/u,
      /^without (a )?(time )?limit$/u,
      /^no end date$/u,
      /^permanent\p{L}*$/u,
    ],
  },
  ru: {
    negation: /^(не|нет|ни|никогда|без|отказ\p{L}*|отклон\p{L}*)$/u,
    notNegation: [/^не позднее$/u, /^не позже$/u, /^не только$/u, /^не ранее$/u],
    weak: /^(может|могут|мочь|возможно|возможн\p{L}*|рассмотр\p{L}*|изуч\p{L}*|вероятно|мог|могли|могла)$/u,
    strong:
      /^(будут|будет|обязу\p{L}*|договорил\p{L}*|согласил\p{L}*|должн\p{L}*|решил\p{L}*|подтвердил\p{L}*)$/u,
    unbounded: [
      /^бессрочн\p{L}*$/u,
      /^без ограничени\p{L}* срок\p{L}*$/u,
      /^без срока$/u,
      /^без срока действия$/u,
      /^не ограничен\p{L}* по времени$/u,
      /^не ограничен\p{L}* сроком$/u,
    ],
  },
};

const cuesOf = (lang: string): Cues | undefined => CUES[baseLanguage(lang)];

function numberOf(normal: string): number | null {
  const digits = /^(\d+(?:[.,]\d+)?)(?:st|nd|rd|th|-?го|-?е|-?й|-?ого|-?ое|-?ая)?$/.exec(normal);
  if (digits) return Number(digits[1]!.replace(',', '.'));
  return NUMBER_WORDS[normal] ?? null;
}

const unitOf = (normal: string): number | null => UNITS.find(([re]) => re.test(normal))?.[1] ?? null;
const monthOf = (normal: string): number => MONTHS.findIndex((re) => re.test(normal)) + 1;
const weekdayOf = (normal: string): number => WEEKDAYS.findIndex((re) => re.test(normal)) + 1;

/** Longest phrase of `patterns` starting at token i (up to four words), as its length. */
function phraseAt(tokens: Token[], i: number, patterns: RegExp[]): number {
  for (let length = Math.min(4, tokens.length - i); length >= 1; length -= 1) {
    const phrase = tokens
      .slice(i, i + length)
      .map((t) => t.normal)
      .join(' ');
    if (patterns.some((re) => re.test(phrase))) return length;
  }
  return 0;
}

/**
 * The facts of one sentence's tokens. `times` are the clock times found in the sentence text
 * beforehand (`16:00`, `4 pm`), as token ranges with their minute of the day.
 */
export function factsOf(tokens: Token[], lang: string, times: Fact[]): Fact[] {
  const cues = cuesOf(lang);
  const facts: Fact[] = [...times];
  const used = new Set<number>();
  for (const t of times) for (let k = t.from; k < t.to; k += 1) used.add(k);

  for (let i = 0; i < tokens.length; i += 1) {
    if (used.has(i)) continue;
    const normal = tokens[i]!.normal;
    if (cues) {
      const unbounded = phraseAt(tokens, i, cues.unbounded);
      if (unbounded > 0) {
        facts.push({ type: 'validity', value: 'unbounded', from: i, to: i + unbounded });
        for (let k = i; k < i + unbounded; k += 1) used.add(k);
        i += unbounded - 1;
        continue;
      }
      const bound = phraseAt(tokens, i, cues.notNegation);
      if (bound > 0) {
        i += bound - 1;
        continue;
      }
    }
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(normal);
    if (iso) {
      facts.push({ type: 'date', value: `m${Number(iso[2])}-d${Number(iso[3])}`, from: i, to: i + 1 });
      continue;
    }
    const month = monthOf(normal);
    // "May" is a month only next to a day number.
    const isMonth =
      month > 0 &&
      (normal !== 'may' ||
        numberOf(tokens[i - 1]?.normal ?? '') !== null ||
        numberOf(tokens[i + 1]?.normal ?? '') !== null);
    if (isMonth) {
      const before = numberOf(tokens[i - 1]?.normal ?? '');
      const after = numberOf(tokens[i + 1]?.normal ?? '');
      const dayIndex =
        before !== null && !used.has(i - 1) ? i - 1 : after !== null && after <= 31 ? i + 1 : -1;
      const day = dayIndex === i - 1 ? before : dayIndex === i + 1 ? after : null;
      if (dayIndex >= 0 && day !== null && day >= 1 && day <= 31) {
        if (dayIndex < i) facts.pop(); // the day was read as a number just before
        facts.push({
          type: 'date',
          value: `m${month}-d${day}`,
          from: Math.min(i, dayIndex),
          to: Math.max(i, dayIndex) + 1,
        });
        used.add(dayIndex);
        if (dayIndex > i) i += 1;
      } else facts.push({ type: 'date', value: `m${month}`, from: i, to: i + 1 });
      continue;
    }
    const weekday = weekdayOf(normal);
    if (weekday > 0) {
      facts.push({ type: 'date', value: `w${weekday}`, from: i, to: i + 1 });
      continue;
    }
    const value = numberOf(normal);
    const unit = unitOf(normal);
    if (value !== null) {
      const next = unitOf(tokens[i + 1]?.normal ?? '');
      if (next !== null) {
        facts.push({ type: 'duration', value: `d${value * next}`, from: i, to: i + 2 });
        i += 1;
      } else if (/^\d+(st|nd|rd|th|-?го|-?е|-?ого)$/.test(normal))
        facts.push({ type: 'date', value: `d${value}`, from: i, to: i + 1 });
      else facts.push({ type: 'number', value: String(value), from: i, to: i + 1 });
      continue;
    }
    if (unit !== null && /^(a|an|one|течение)$/.test(tokens[i - 1]?.normal ?? '')) {
      facts.push({
        type: 'duration',
        value: `d${unit}`,
        from: tokens[i - 1]!.normal === 'течение' ? i : i - 1,
        to: i + 1,
      });
      continue;
    }
    if (!cues) continue;
    if (cues.negation.test(normal))
      facts.push({ type: 'negation', value: 'neg', from: i, to: Math.min(tokens.length, i + 2) });
    else if (cues.weak.test(normal)) facts.push({ type: 'modality', value: 'weak', from: i, to: i + 1 });
    else if (cues.strong.test(normal)) facts.push({ type: 'modality', value: 'strong', from: i, to: i + 1 });
  }
  return facts;
}

/** Clock times in a sentence (`16:00`, `4 pm`, `16.30`), before the words are read. */
export function timesOf(text: string, tokens: Token[]): Fact[] {
  const found: Fact[] = [];
  const at = (offset: number) => tokens.findIndex((t) => t.start <= offset && offset < t.end);
  for (const match of text.matchAll(
    /\b(\d{1,2})[:.](\d{2})\b(\s*([ap])\.?m\b\.?)?|\b(\d{1,2})\s*([ap])\.?m\b\.?/giu,
  )) {
    let hours = Number(match[1] ?? match[5]);
    const minutes = Number(match[2] ?? 0);
    const half = (match[4] ?? match[6] ?? '').toLowerCase();
    if (half === 'p' && hours < 12) hours += 12;
    if (half === 'a' && hours === 12) hours = 0;
    if (hours > 23 || minutes > 59) continue;
    const from = at(match.index);
    const last = at(match.index + match[0].replace(/[\s.]+$/u, '').length - 1);
    if (from < 0 || last < 0) continue;
    found.push({ type: 'time', value: `t${hours * 60 + minutes}`, from, to: last + 1 });
  }
  return found;
}

/** A conflict between two paired sentences: its type and the words of each side. */
export interface FactConflict {
  type: FactType;
  a: Fact[];
  b: Fact[];
}

const ofType = (facts: Fact[], type: FactType) => facts.filter((f) => f.type === type);

/** Two dates agree when every field both give (month, day, weekday) is the same. */
function datesAgree(x: string, y: string): boolean {
  const fields = (v: string) =>
    Object.fromEntries([...v.matchAll(/([mdw])(\d+)/g)].map((m) => [m[1]!, m[2]!]));
  const fx = fields(x);
  const fy = fields(y);
  return Object.keys(fx).every((k) => fy[k] === undefined || fy[k] === fx[k]);
}

/** Values on one side that the other side does not give (as a multiset). */
function unmatched(mine: Fact[], theirs: Fact[], same: (x: string, y: string) => boolean): Fact[] {
  const left = [...theirs];
  return mine.filter((f) => {
    const k = left.findIndex((o) => same(f.value, o.value));
    if (k < 0) return true;
    left.splice(k, 1);
    return false;
  });
}

/**
 * Where two sentences that say the same thing in other words disagree. A value given on one side
 * only (a detail left out) is no conflict; two different values are; so are a limit against "no
 * limit", a negation against none (counted by parity: "not without" is not a negation), and a
 * possibility ("may") against a statement without one.
 */
export function conflictsBetween(a: Fact[], b: Fact[]): FactConflict[] {
  const conflicts: FactConflict[] = [];
  const equal = (x: string, y: string) => x === y;
  for (const type of ['number', 'time', 'duration'] as const) {
    const fa = ofType(a, type);
    const fb = ofType(b, type);
    if (fa.length === 0 || fb.length === 0) continue;
    const onlyA = unmatched(fa, fb, equal);
    const onlyB = unmatched(fb, fa, equal);
    if (onlyA.length > 0 && onlyB.length > 0) conflicts.push({ type, a: onlyA, b: onlyB });
  }
  const da = ofType(a, 'date');
  const db = ofType(b, 'date');
  if (da.length > 0 && db.length > 0) {
    const onlyA = unmatched(da, db, datesAgree);
    const onlyB = unmatched(db, da, datesAgree);
    if (onlyA.length > 0 && onlyB.length > 0) conflicts.push({ type: 'date', a: onlyA, b: onlyB });
  }
  const ua = ofType(a, 'validity');
  const ub = ofType(b, 'validity');
  const limits = (facts: Fact[]) => facts.filter((f) => f.type === 'date' || f.type === 'duration');
  if (ua.length > 0 && ub.length === 0 && limits(b).length > 0)
    conflicts.push({ type: 'validity', a: ua, b: limits(b) });
  if (ub.length > 0 && ua.length === 0 && limits(a).length > 0)
    conflicts.push({ type: 'validity', a: limits(a), b: ub });
  const na = ofType(a, 'negation');
  const nb = ofType(b, 'negation');
  if (na.length % 2 !== nb.length % 2) conflicts.push({ type: 'negation', a: na, b: nb });
  const wa = ofType(a, 'modality').filter((f) => f.value === 'weak');
  const wb = ofType(b, 'modality').filter((f) => f.value === 'weak');
  if (wa.length > 0 !== wb.length > 0) {
    const strong = (facts: Fact[]) => ofType(facts, 'modality').filter((f) => f.value === 'strong');
    conflicts.push({
      type: 'modality',
      a: wa.length > 0 ? wa : strong(a),
      b: wb.length > 0 ? wb : strong(b),
    });
  }
  return conflicts;
}
