/**
 * Two parties' readouts of the same call, compared sentence by sentence: each text is split into
 * sentences (kept exactly as written, so the pieces join back into the original), each sentence
 * is normalised (case, spacing, punctuation ignored) and marked `agreed` when the other readout
 * has a sentence with the same normal form, `divergent` when it has none. A divergent sentence is
 * paired with the most similar divergent sentence of the other readout and the words that differ
 * are marked, by a small word-level longest common subsequence. No DOM here: unit-tested.
 */

export interface Sentence {
  /** The sentence as written, with the whitespace that follows it. */
  text: string;
  /** Case, spacing and punctuation removed; empty for a piece with no words. */
  normal: string;
}

export interface WordPart {
  text: string;
  /** True when this word is not in the paired sentence of the other readout. */
  differs: boolean;
}

export interface ComparedSentence {
  text: string;
  state: 'agreed' | 'divergent' | 'neutral';
  /** For a divergent sentence with a similar one on the other side: its words, marked. */
  words: WordPart[] | null;
}

export interface ReadoutComparison {
  left: ComparedSentence[];
  right: ComparedSentence[];
  agreed: number;
  divergent: { left: number; right: number };
}

const SENTENCE = /[^.!?…;\n]*(?:[.!?…;]+["»”')\]]*|\n|$)\s*/gu;

/** Sentences of a text, in order; joined, their `text` gives the original back. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const match of text.matchAll(SENTENCE)) {
    const piece = match[0];
    if (!piece) continue;
    // Whitespace alone belongs to the sentence before it.
    const last = sentences.at(-1);
    if (!normalise(piece) && last && !/\S/.test(piece)) {
      last.text += piece;
      continue;
    }
    sentences.push({ text: piece, normal: normalise(piece) });
  }
  return sentences;
}

/** Lower case, no punctuation or symbols, single spaces: `"Agreed,  48 HOURS!"` → `agreed 48 hours`. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Words and the runs between them, in order; joined they give the text back. */
function tokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|[^\p{L}\p{N}]+/gu) ?? [];
}

const isWord = (token: string): boolean => /[\p{L}\p{N}]/u.test(token);

/**
 * Longest common subsequence of two word lists (compared normalised): for each word of `a`,
 * whether it is part of the subsequence.
 */
export function commonWords(a: string[], b: string[]): boolean[] {
  const na = a.map(normalise);
  const nb = b.map(normalise);
  const n = na.length;
  const m = nb.length;
  const width = m + 1;
  const table = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1)
    for (let j = m - 1; j >= 0; j -= 1)
      table[i * width + j] =
        na[i] === nb[j]
          ? table[(i + 1) * width + j + 1]! + 1
          : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
  const inCommon = new Array<boolean>(n).fill(false);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (na[i] === nb[j]) {
      inCommon[i] = true;
      i += 1;
      j += 1;
    } else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) i += 1;
    else j += 1;
  }
  return inCommon;
}

/** Words of a sentence marked against another sentence; the parts join into the sentence. */
export function markWords(sentence: string, other: string): WordPart[] {
  const mine = tokens(sentence);
  const words = mine.filter(isWord);
  const common = commonWords(words, tokens(other).filter(isWord));
  let w = 0;
  const marked = mine.map((token) => ({ text: token, differs: isWord(token) ? !common[w++] : false }));
  // A separator between two differing words is part of the changed phrase, marked as one.
  const parts: WordPart[] = [];
  marked.forEach((part, k) => {
    const differs =
      part.differs || (!isWord(part.text) && !!marked[k - 1]?.differs && !!marked[k + 1]?.differs);
    const last = parts.at(-1);
    if (last && last.differs === differs) last.text += part.text;
    else parts.push({ text: part.text, differs });
  });
  return parts;
}

/** Share of words two sentences have in common (0…1), by their longest common subsequence. */
export function similarity(a: string, b: string): number {
  const wa = normalise(a).split(' ').filter(Boolean);
  const wb = normalise(b).split(' ').filter(Boolean);
  if (wa.length === 0 || wb.length === 0) return 0;
  const common = commonWords(wa, wb).filter(Boolean).length;
  return (2 * common) / (wa.length + wb.length);
}

/** Below this similarity two divergent sentences are not treated as versions of each other. */
const PAIR_THRESHOLD = 0.4;
/** Word marking is skipped for sentences longer than this (the table would be large). */
const MAX_WORDS = 400;

function side(mine: Sentence[], theirs: Sentence[], words: boolean): ComparedSentence[] {
  const mineNormals = new Set(mine.map((s) => s.normal));
  const theirNormals = new Set(theirs.map((s) => s.normal));
  const divergentTheirs = theirs.filter((s) => s.normal && !mineNormals.has(s.normal));
  return mine.map((s) => {
    if (!s.normal) return { text: s.text, state: 'neutral', words: null };
    if (theirNormals.has(s.normal)) return { text: s.text, state: 'agreed', words: null };
    let best: Sentence | null = null;
    let bestScore = PAIR_THRESHOLD;
    if (words && s.normal.split(' ').length <= MAX_WORDS)
      for (const candidate of divergentTheirs) {
        if (candidate.normal.split(' ').length > MAX_WORDS) continue;
        const score = similarity(s.text, candidate.text);
        if (score >= bestScore) {
          best = candidate;
          bestScore = score;
        }
      }
    return { text: s.text, state: 'divergent', words: best ? markWords(s.text, best.text) : null };
  });
}

/** Compares two readouts; `words: false` skips the word-level marking. */
export function compareReadouts(left: string, right: string, options = { words: true }): ReadoutComparison {
  const a = splitSentences(left);
  const b = splitSentences(right);
  const l = side(a, b, options.words);
  const r = side(b, a, options.words);
  return {
    left: l,
    right: r,
    agreed: l.filter((s) => s.state === 'agreed').length,
    divergent: {
      left: l.filter((s) => s.state === 'divergent').length,
      right: r.filter((s) => s.state === 'divergent').length,
    },
  };
}
