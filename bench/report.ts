/**
 * The bench's output: a plain-text table (figure, value, unit, baseline, ratio, target,
 * pass/fail) for stdout and the same rows plus details as JSON for bench/results/latest.json,
 * formatted with the project's Prettier settings so `prettier --check .` stays clean.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Row {
  figure: string;
  value: number;
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

export function row(
  figure: string,
  value: number,
  unit: string,
  options: {
    decimals?: number;
    baseline?: { label: string; value: number };
    target?: string;
    pass?: boolean;
  } = {},
): Row {
  const baseline = options.baseline ?? null;
  return {
    figure,
    value,
    unit,
    decimals: options.decimals ?? 0,
    baseline,
    ratio: baseline && baseline.value > 0 ? value / baseline.value : null,
    target: options.target ?? '',
    pass: options.pass ?? null,
  };
}

function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
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
  const header = ['figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'result'];
  const cellsOf = (rows: Row[]): string[][] =>
    rows.map((r) => [
      r.figure,
      formatNumber(r.value, r.decimals),
      r.unit,
      r.baseline ? `${r.baseline.label} ${formatNumber(r.baseline.value, r.decimals)}` : '',
      formatRatio(r.ratio),
      r.target,
      r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL',
    ]);
  const blocks = sections.map((section) => ({ ...section, cells: cellsOf(section.rows) }));
  const all = blocks.flatMap((b) => b.cells);
  const widths = header.map((h, i) => Math.max(h.length, ...all.map((c) => c[i]!.length)));
  const rightAligned = new Set([1, 4]);
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
