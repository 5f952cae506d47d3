/**
 * The readout alignment scored against two labelled sets of readout pairs written for the
 * project, in English, in Russian and across the two with a translation, with paraphrases,
 * omissions, reordered points and real contradictions: the evaluation set
 * (test/fixtures/readout-eval, 43 pairs, written while the module was built: in-sample), and the
 * held-out set (test/fixtures/readout-heldout, 29 pairs, written afterwards and never used to
 * tune it). A point counts as right when the same pair of sentences (or the same lone sentence)
 * carries the same label. Precision and recall per label are printed and must stay above a floor.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  POINT_LABELS,
  alignReadouts,
  splitSentences,
  type PointLabel,
} from '../src/workflows/contacts/readouts/alignment.js';

interface EvalPair {
  id: string;
  a: { lang: string; text: string };
  b: { lang: string; text: string };
  translation?: { of: 'a' | 'b'; lang: string; text: string };
  points: Array<{ a: number | null; b: number | null; label: PointLabel }>;
}

function loadPairs(folder: string): EvalPair[] {
  const dir = new URL(`./fixtures/${folder}/`, import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as EvalPair[]);
}
const pairs = loadPairs('readout-eval');
const heldOut = loadPairs('readout-heldout');

type Floor = Record<PointLabel, { precision: number; recall: number }>;

/** The floor per label; the measured figures are in the README ("Readouts side by side"). */
const FLOOR: Floor = {
  same: { precision: 0.95, recall: 0.95 },
  similar: { precision: 0.8, recall: 0.8 },
  conflict: { precision: 0.85, recall: 0.85 },
  'one-side': { precision: 0.8, recall: 0.8 },
};

/** Lower: what the module does on readouts nobody tuned it for (README "Readouts side by side"). */
const HELD_OUT_FLOOR: Floor = {
  same: { precision: 0.95, recall: 0.95 },
  similar: { precision: 0.85, recall: 0.85 },
  conflict: { precision: 0.85, recall: 0.85 },
  'one-side': { precision: 0.9, recall: 0.9 },
};

const key = (p: { a: number | null; b: number | null; label: string }) => `${p.a}|${p.b}|${p.label}`;

function expectWellFormed(set: EvalPair[]): void {
  expect(set.length).toBeGreaterThanOrEqual(20);
  expect(set.some((p) => p.a.lang === 'ru' && p.b.lang === 'ru')).toBe(true);
  expect(set.some((p) => p.a.lang === 'en' && p.b.lang === 'en')).toBe(true);
  expect(set.some((p) => p.a.lang !== p.b.lang)).toBe(true);
  for (const pair of set) {
    const text = (side: 'a' | 'b') =>
      pair.translation?.of === side ? pair.translation.text : pair[side].text;
    for (const side of ['a', 'b'] as const) {
      const count = splitSentences(text(side)).length;
      const labelled = pair.points.map((p) => p[side]).filter((i) => i !== null);
      expect(labelled.sort(), `${pair.id} ${side}`).toEqual([...Array(count).keys()]);
    }
  }
}

/** Scores the alignment on `set`, prints precision and recall per label, and holds them to `floor`. */
function expectAboveFloor(name: string, set: EvalPair[], floor: Floor): void {
  const tally = Object.fromEntries(POINT_LABELS.map((l) => [l, { tp: 0, predicted: 0, gold: 0 }]));
  const misses: string[] = [];
  for (const pair of set) {
    const result = alignReadouts(pair.a, pair.b, pair.translation ? { translation: pair.translation } : {});
    const gold = new Set(pair.points.map(key));
    for (const p of pair.points) tally[p.label]!.gold += 1;
    for (const p of result.points) {
      tally[p.label]!.predicted += 1;
      if (gold.has(key(p))) tally[p.label]!.tp += 1;
      else misses.push(`${pair.id}: ${key(p)}`);
    }
  }
  const report = POINT_LABELS.map((label) => {
    const { tp, predicted, gold } = tally[label]!;
    return { label, precision: predicted ? tp / predicted : 1, recall: gold ? tp / gold : 1, gold };
  });
  console.log(
    [
      `readout alignment, ${name}, ${set.length} pairs:`,
      ...report.map(
        (r) =>
          `  ${r.label.padEnd(9)} precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  (${r.gold} points)`,
      ),
      ...(misses.length > 0 ? ['  wrong:', ...misses.map((m) => `    ${m}`)] : []),
    ].join('\n'),
  );
  for (const r of report) {
    expect(r.precision, `${r.label} precision`).toBeGreaterThanOrEqual(floor[r.label].precision);
    expect(r.recall, `${r.label} recall`).toBeGreaterThanOrEqual(floor[r.label].recall);
  }
}

describe('readout alignment on the evaluation set', () => {
  it('has at least 40 pairs in both languages, each labelled for every sentence', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(40);
    expectWellFormed(pairs);
  });

  it('keeps precision and recall per label above the floor', () => {
    expectAboveFloor('evaluation set (in-sample)', pairs, FLOOR);
  });
});

describe('readout alignment on the held-out set', () => {
  it('has pairs in both languages and across them, each labelled for every sentence', () => {
    expectWellFormed(heldOut);
    expect(pairs.map((p) => p.id)).not.toEqual(expect.arrayContaining(heldOut.map((p) => p.id)));
  });

  it('keeps precision and recall per label above its floor', () => {
    expectAboveFloor('held-out set', heldOut, HELD_OUT_FLOOR);
  });
});
