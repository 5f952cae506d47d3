/**
 * The bench's output: a plain-text table (figure, value, spread, unit, baseline, ratio, target,
 * pass/fail) for stdout and the same rows plus details as JSON for bench/results/latest.json,
 * formatted with the project's Prettier settings so `prettier --check .` stays clean. A figure
 * measured in several rounds shows the median as its value and min–max as its spread.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Row {
  /** Stable key of the figure across runs (labels may carry sizes), for `--compare`. */
  id: string;
  figure: string;
  /** The median of `samples` when the figure was measured in several rounds. */
  value: number;
  /** One value per round, or null for a figure measured once. */
  samples: number[] | null;
  min: number;
  max: number;
  unit: string;
  /** Decimals shown for value and baseline. */
  decimals: number;
  baseline: { label: string; value: number } | null;
  /** value / baseline, or null when the figure has no baseline. */
  ratio: number | null;
  /** Human-readable target, '' when the figure is informational. */
  target: string;
  pass: boolean | null;
}

/** The median of values (the mean of the middle two for an even count); NaN for none. */
export function medianOf(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A stable id from a label: lower case, words joined by dots, numbers dropped. */
export function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[0-9][0-9,.]*/g, ' ')
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

/**
 * A table row. `value` is one measurement, or one per round: then the row shows their median
 * and min–max (a NaN round, e.g. a failed measurement, is left out of both).
 */
export function row(
  figure: string,
  value: number | readonly number[],
  unit: string,
  options: {
    id?: string;
    decimals?: number;
    baseline?: { label: string; value: number };
    target?: string;
    pass?: boolean;
  } = {},
): Row {
  const baseline = options.baseline ?? null;
  const samples = typeof value === 'number' ? null : [...value];
  const finite = (samples ?? [value as number]).filter(Number.isFinite);
  const median = samples ? medianOf(samples) : (value as number);
  return {
    id: options.id ?? slug(figure),
    figure,
    value: median,
    samples,
    min: finite.length > 0 ? Math.min(...finite) : Number.NaN,
    max: finite.length > 0 ? Math.max(...finite) : Number.NaN,
    unit,
    decimals: options.decimals ?? 0,
    baseline,
    ratio: baseline && baseline.value > 0 ? median / baseline.value : null,
    target: options.target ?? '',
    pass: options.pass ?? null,
  };
}

export function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** min–max of a row measured in several rounds, '' for a single measurement. */
export function formatSpread(r: Pick<Row, 'samples' | 'min' | 'max' | 'decimals'>): string {
  if (!r.samples || r.samples.length < 2 || !Number.isFinite(r.min)) return '';
  return `${formatNumber(r.min, r.decimals)}–${formatNumber(r.max, r.decimals)}`;
}

function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '';
  return ratio >= 10 ? `${ratio.toFixed(1)}x` : `${(ratio * 100).toFixed(1)}%`;
}

/** Renders rows as an aligned text table. */
export function renderTable(rows: Row[]): string {
  return renderSections([{ rows }]);
}

/** A block of rows in a table, optionally under a heading line (and notes below the heading). */
export interface Section {
  heading?: string;
  notes?: string[];
  rows: Row[];
}

/**
 * Renders sections as one aligned text table: the columns line up across all sections, and
 * each section after the first starts with a blank line, its heading and its notes.
 */
export function renderSections(sections: Section[]): string {
  const header = ['figure', 'value', 'min–max', 'unit', 'baseline', 'ratio', 'target', 'result'];
  const cellsOf = (rows: Row[]): string[][] =>
    rows.map((r) => [
      r.figure,
      formatNumber(r.value, r.decimals),
      formatSpread(r),
      r.unit,
      r.baseline ? `${r.baseline.label} ${formatNumber(r.baseline.value, r.decimals)}` : '',
      formatRatio(r.ratio),
      r.target,
      r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL',
    ]);
  const blocks = sections.map((section) => ({ ...section, cells: cellsOf(section.rows) }));
  const all = blocks.flatMap((b) => b.cells);
  const widths = header.map((h, i) => Math.max(h.length, ...all.map((c) => c[i]!.length)));
  const rightAligned = new Set([1, 2, 5]);
  const line = (values: string[]): string =>
    values
      .map((v, i) => (rightAligned.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(header), rule];
  blocks.forEach((block, i) => {
    if (i > 0 || block.heading) out.push('');
    if (block.heading) out.push(block.heading);
    for (const note of block.notes ?? []) out.push(`  ${note}`);
    out.push(...block.cells.map(line));
  });
  return out.join('\n');
}

/** Writes `data` as JSON, formatted by Prettier when it is installed (it is a dev dependency). */
export async function writeJson(path: string, data: unknown): Promise<void> {
  let text = `${JSON.stringify(data, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(path)) ?? {};
    text = await prettier.format(text, { ...config, filepath: path });
  } catch {
    // Without Prettier the plain JSON.stringify layout is written.
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
