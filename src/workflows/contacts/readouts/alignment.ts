/**
 * Two parties' readouts of one call, aligned point by point. Pure (no I/O), shared by the node
 * (API, CLI) and the web app (through web/src/lib/shared.ts), so every side shows the same.
 *
 * 1. Each readout is split into sentences, kept exactly as written (joined, they give the text
 *    back); each sentence's words are normalised and stemmed per language (language/stemming.ts).
 * 2. Sentences are compared by TF-IDF cosine similarity of their content stems (Salton & Buckley,
 *    1988): stop words, numbers and cue words are left out, and a stem found in few sentences of
 *    the two readouts weighs more than one found in many.
 * 3. The two sentence sequences are aligned in order by dynamic programming over the similarity
 *    matrix (Needleman–Wunsch, 1970, with free gaps and a pair scored by how far its similarity
 *    exceeds a threshold), so a point is paired with the one in the same place of the other
 *    account; then a sentence left alone is paired out of order with a clearly similar one
 *    (a point told earlier or later).
 * 4. Each pair is checked for conflicts of numbers, dates, times, durations, validity, negation
 *    and modality (facts.ts), and labelled: `same` only when the normalised texts are identical
 *    (the same thing in the same words), `conflict` when a check fails (its words marked),
 *    `similar` (to be checked by a person) otherwise; a sentence with no counterpart is
 *    `one-side`. A readout in another language is compared through a translation into the
 *    other's language; points read through a translation are never `same`.
 */
import { factsOf, timesOf, conflictsBetween, type Fact, type FactType, type Token } from './facts.js';
import { isStopWord, normaliseWord, stemWord } from '../../language/stemming.js';

export type PointLabel = 'same' | 'similar' | 'conflict' | 'one-side';
export const POINT_LABELS: readonly PointLabel[] = ['same', 'similar', 'conflict', 'one-side'];

/** Below this similarity two sentences are not versions of one point. */
export const MIN_SIMILARITY = 0.2;
/** A sentence left alone by the in-order alignment is paired out of order at this similarity. */
export const OUT_OF_ORDER_SIMILARITY = 0.3;
/** Sentences longer than this (in words) are compared, but their words are not marked. */
const MAX_MARKED_WORDS = 400;

export interface ReadoutText {
  text: string;
  lang: string;
}

export interface Sentence {
  /** The sentence as written, with the whitespace that follows it. */
  text: string;
  /** Offset of the sentence in the readout. */
  start: number;
  /** Case, spacing and punctuation removed. */
  normal: string;
}

/** A piece of a sentence: the pieces join into the sentence as written. */
export interface SentencePart {
  text: string;
  /** `conflict`: a word the conflict check found; `differs`: a content word the other side lacks. */
  mark: 'conflict' | 'differs' | null;
}

export interface PointConflict {
  type: FactType;
  /** The words on each side, as written. */
  a: string[];
  b: string[];
}

export interface AlignedPoint {
  label: PointLabel;
  /** Index of the sentence in `a.sentences` / `b.sentences`, or null on the side that lacks it. */
  a: number | null;
  b: number | null;
  /** TF-IDF cosine similarity of the pair (0…1), 0 for a one-sided point. */
  similarity: number;
  conflicts: PointConflict[];
  /** The sentences cut into marked pieces (null on the side that lacks it). */
  aParts: SentencePart[] | null;
  bParts: SentencePart[] | null;
}

export interface AlignedSide {
  lang: string;
  /** True when these sentences are a translation's (not authoritative), not the readout's. */
  translated: boolean;
  sentences: Sentence[];
}

export interface ReadoutAlignment {
  /** False when the readouts are in different languages and no translation bridges them. */
  comparable: boolean;
  a: AlignedSide;
  b: AlignedSide;
  points: AlignedPoint[];
  counts: Record<PointLabel, number>;
}

export interface AlignOptions {
  /** A translation of one readout into the other's language, to compare through. */
  translation?: { of: 'a' | 'b'; text: string; lang: string };
}

const SENTENCE = /[^.!?…;\n]*(?:[.!?…;]+["»”')\]]*|\n|$)\s*/gu;
const WORD = /[\p{L}\p{N}]+(?:['’\-.][\p{L}\p{N}]+)*/gu;

/** Lower case, no punctuation or symbols, single spaces: `"Agreed,  48 HOURS!"` → `agreed 48 hours`. */
export function normaliseText(text: string): string {
  return normaliseWord(text)
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Sentences of a text, in order; joined, their `text` gives the original back. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let offset = 0;
  for (const match of text.matchAll(SENTENCE)) {
    const piece = match[0];
    if (!piece) continue;
    const normal = normaliseText(piece);
    const last = sentences.at(-1);
    // A piece without words (a stray dash, spaces) belongs to the sentence before it.
    if (!normal && last) last.text += piece;
    else sentences.push({ text: piece, start: offset, normal });
    offset += piece.length;
  }
  return sentences.filter((s) => s.normal !== '' || sentences.length === 1);
}

/** Words of a sentence with their offsets in it. */
export function tokenize(text: string): Token[] {
  return [...text.matchAll(WORD)].map((m) => ({
    text: m[0],
    normal: normaliseWord(m[0]).replace(/\.$/, ''),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

interface Analysed {
  sentence: Sentence;
  tokens: Token[];
  /** Comparison key per token, or null for a word that carries no content. */
  keys: Array<string | null>;
  facts: Fact[];
}

function analyse(sentence: Sentence, lang: string): Analysed {
  const tokens = tokenize(sentence.text);
  const facts = factsOf(tokens, lang, timesOf(sentence.text, tokens));
  const inFact = new Set<number>();
  for (const f of facts) for (let k = f.from; k < f.to; k += 1) inFact.add(k);
  const keys = tokens.map((t, k) =>
    inFact.has(k) || isStopWord(t.normal, lang) || /^\d/.test(t.normal) ? null : stemWord(t.text, lang),
  );
  return { sentence, tokens, keys, facts };
}

type Vector = Map<string, number>;

/** TF-IDF vectors (smoothed idf: ln((1+N)/(1+df)) + 1), normalised to unit length. */
function vectors(all: Analysed[]): Vector[] {
  const df = new Map<string, number>();
  for (const s of all) for (const key of new Set(s.keys)) if (key) df.set(key, (df.get(key) ?? 0) + 1);
  const n = all.length;
  return all.map((s) => {
    const v: Vector = new Map();
    for (const key of s.keys) if (key) v.set(key, (v.get(key) ?? 0) + 1);
    let norm = 0;
    for (const [key, tf] of v) {
      const weight = tf * (Math.log((1 + n) / (1 + df.get(key)!)) + 1);
      v.set(key, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [key, w] of v) v.set(key, w / norm);
    return v;
  });
}

function cosine(x: Vector, y: Vector): number {
  let sum = 0;
  for (const [key, w] of x) sum += w * (y.get(key) ?? 0);
  return Math.min(1, sum);
}

/**
 * Needleman–Wunsch over the similarity matrix: the order-preserving set of pairs with the
 * largest total of (similarity − MIN_SIMILARITY); leaving a sentence unpaired costs nothing.
 */
function alignInOrder(sim: number[][], n: number, m: number): Array<[number, number]> {
  const width = m + 1;
  const best = new Float64Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1)
    for (let j = m - 1; j >= 0; j -= 1) {
      const s = sim[i]![j]!;
      const pair = s >= MIN_SIMILARITY ? s - MIN_SIMILARITY + 1e-9 + best[(i + 1) * width + j + 1]! : -1;
      best[i * width + j] = Math.max(pair, best[(i + 1) * width + j]!, best[i * width + j + 1]!);
    }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const s = sim[i]![j]!;
    const here = best[i * width + j]!;
    if (
      s >= MIN_SIMILARITY &&
      Math.abs(here - (s - MIN_SIMILARITY + 1e-9 + best[(i + 1) * width + j + 1]!)) < 1e-12
    ) {
      pairs.push([i, j]);
      i += 1;
      j += 1;
    } else if (here === best[(i + 1) * width + j]!) i += 1;
    else j += 1;
  }
  return pairs;
}

/** A sentence cut at the given token ranges, each range marked. */
function partsOf(a: Analysed, marks: Map<number, 'conflict' | 'differs'>): SentencePart[] {
  const parts: SentencePart[] = [];
  const push = (text: string, mark: SentencePart['mark']) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last && last.mark === mark) last.text += text;
    else parts.push({ text, mark });
  };
  let offset = 0;
  a.tokens.forEach((t, k) => {
    const mark = marks.get(k) ?? null;
    const gap = a.sentence.text.slice(offset, t.start);
    // A space between two marked words is part of the marked phrase.
    const previous = k > 0 ? (marks.get(k - 1) ?? null) : null;
    push(gap, mark !== null && previous === mark ? mark : null);
    push(t.text, mark);
    offset = t.end;
  });
  push(a.sentence.text.slice(offset), null);
  return parts;
}

function comparePair(x: Analysed, y: Analysed, similarity: number, translated: boolean) {
  const found = conflictsBetween(x.facts, y.facts);
  const marksX = new Map<number, 'conflict' | 'differs'>();
  const marksY = new Map<number, 'conflict' | 'differs'>();
  const markWords = x.tokens.length <= MAX_MARKED_WORDS && y.tokens.length <= MAX_MARKED_WORDS;
  if (markWords) {
    const keysY = new Set(y.keys);
    const keysX = new Set(x.keys);
    x.keys.forEach((key, k) => key && !keysY.has(key) && marksX.set(k, 'differs'));
    y.keys.forEach((key, k) => key && !keysX.has(key) && marksY.set(k, 'differs'));
  }
  const words = (s: Analysed, facts: Fact[], marks: Map<number, 'conflict' | 'differs'>) =>
    facts.map((f) => {
      for (let k = f.from; k < f.to; k += 1) marks.set(k, 'conflict');
      return s.sentence.text.slice(s.tokens[f.from]!.start, s.tokens[f.to - 1]!.end);
    });
  const conflicts = found.map((c) => ({
    type: c.type,
    a: words(x, c.a, marksX),
    b: words(y, c.b, marksY),
  }));
  const same = !translated && x.sentence.normal === y.sentence.normal;
  const label: PointLabel = same ? 'same' : conflicts.length > 0 ? 'conflict' : 'similar';
  return {
    label,
    similarity: same ? 1 : Math.round(similarity * 1000) / 1000,
    conflicts: same ? [] : conflicts,
    aParts: same ? [{ text: x.sentence.text, mark: null }] : partsOf(x, marksX),
    bParts: same ? [{ text: y.sentence.text, mark: null }] : partsOf(y, marksY),
  };
}

/**
 * Aligns readout `a` with readout `b`. When their languages differ, `options.translation` (a
 * translation of one into the other's language) is compared in its place; without one the
 * result is `comparable: false` with every sentence one-sided.
 */
export function alignReadouts(a: ReadoutText, b: ReadoutText, options: AlignOptions = {}): ReadoutAlignment {
  const t = options.translation;
  const sameLanguage = a.lang === b.lang;
  const bridge = !sameLanguage && t && (t.of === 'a' ? t.lang === b.lang : t.lang === a.lang) ? t : null;
  const left = bridge?.of === 'a' ? { text: bridge.text, lang: bridge.lang } : a;
  const right = bridge?.of === 'b' ? { text: bridge.text, lang: bridge.lang } : b;
  const sides: [AlignedSide, AlignedSide] = [
    { lang: left.lang, translated: bridge?.of === 'a', sentences: splitSentences(left.text) },
    { lang: right.lang, translated: bridge?.of === 'b', sentences: splitSentences(right.text) },
  ];
  const comparable = sameLanguage || bridge !== null;
  const xs = sides[0].sentences.map((s) => analyse(s, left.lang));
  const ys = sides[1].sentences.map((s) => analyse(s, right.lang));
  const vs = vectors([...xs, ...ys]);
  const sim = xs.map((x, i) =>
    ys.map((y, j) =>
      !comparable ? 0 : x.sentence.normal === y.sentence.normal ? 1 : cosine(vs[i]!, vs[xs.length + j]!),
    ),
  );
  const pairs = comparable ? alignInOrder(sim, xs.length, ys.length) : [];
  const pairedA = new Set(pairs.map(([i]) => i));
  const pairedB = new Set(pairs.map(([, j]) => j));
  // Out of order: the most similar remaining pairs first.
  const rest: Array<[number, number, number]> = [];
  xs.forEach((_, i) =>
    ys.forEach((_, j) => {
      if (!pairedA.has(i) && !pairedB.has(j) && sim[i]![j]! >= OUT_OF_ORDER_SIMILARITY)
        rest.push([i, j, sim[i]![j]!]);
    }),
  );
  rest.sort((p, q) => q[2] - p[2]);
  for (const [i, j] of rest)
    if (!pairedA.has(i) && !pairedB.has(j)) {
      pairs.push([i, j]);
      pairedA.add(i);
      pairedB.add(j);
    }

  const translated = bridge !== null;
  const partnerOfA = new Map(pairs.map(([i, j]) => [i, j]));
  const points: AlignedPoint[] = [];
  const whole = (s: Analysed): SentencePart[] => [{ text: s.sentence.text, mark: null }];
  const lonelyB = (j: number): AlignedPoint => ({
    label: 'one-side',
    a: null,
    b: j,
    similarity: 0,
    conflicts: [],
    aParts: null,
    bParts: whole(ys[j]!),
  });
  // Points in the order of `a`; a sentence only in `b` comes before the next in-order pair.
  let nextB = 0;
  xs.forEach((x, i) => {
    const j = partnerOfA.get(i);
    const inOrder = j !== undefined && j >= nextB;
    if (inOrder) {
      for (; nextB < j; nextB += 1) if (!pairedB.has(nextB)) points.push(lonelyB(nextB));
      nextB = j + 1;
    }
    if (j === undefined)
      points.push({
        label: 'one-side',
        a: i,
        b: null,
        similarity: 0,
        conflicts: [],
        aParts: whole(x),
        bParts: null,
      });
    else points.push({ a: i, b: j, ...comparePair(x, ys[j]!, sim[i]![j]!, translated) });
  });
  for (; nextB < ys.length; nextB += 1) if (!pairedB.has(nextB)) points.push(lonelyB(nextB));

  const counts = Object.fromEntries(POINT_LABELS.map((l) => [l, 0])) as Record<PointLabel, number>;
  for (const p of points) counts[p.label] += 1;
  return { comparable, a: sides[0], b: sides[1], points, counts };
}
