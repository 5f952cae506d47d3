/**
 * `npm run bench -- --compare OLD.json`: every figure of this run next to the same figure of an
 * older run (bench/results/*.json), with the ratio new / old. Figures are matched by their
 * stable id; results written before figures had ids are matched by their label. Figures only
 * one of the two runs has are listed too, with '—' on the other side.
 *
 * `--compare OLD.json --to NEW.json` compares two result files without running the bench.
 */
import { readFileSync } from 'node:fs';
import { formatNumber, slug } from './report.js';

/** One figure as a results file holds it. */
export interface StoredFigure {
  id: string;
  figure: string;
  value: number;
  unit: string;
  decimals: number;
  min: number | null;
  max: number | null;
}

export interface StoredRun {
  path: string;
  at: string | null;
  commit: string | null;
  machine: string | null;
  figures: StoredFigure[];
}

const MISSING = '—';

function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function figureOf(raw: unknown): StoredFigure | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.figure !== 'string') return null;
  // JSON turns NaN into null: a figure that was not measured keeps its row with NaN.
  const value = asNumber(r.value) ?? Number.NaN;
  return {
    id: typeof r.id === 'string' ? r.id : slug(r.figure),
    figure: r.figure,
    value,
    unit: typeof r.unit === 'string' ? r.unit : '',
    decimals: asNumber(r.decimals) ?? (Math.abs(value) < 100 ? 2 : 0),
    min: asNumber(r.min),
    max: asNumber(r.max),
  };
}

/** The figures of a parsed results file, of this format (`figures`) or the earlier one. */
export function figuresOf(results: unknown): StoredFigure[] {
  if (results === null || typeof results !== 'object') return [];
  const r = results as Record<string, unknown>;
  const lists: unknown[] = [];
  if (Array.isArray(r.figures)) lists.push(...r.figures);
  else {
    // The earlier layout: rows, crossNode.rows and reference.rows.
    const nested = (key: string): unknown[] => {
      const section = r[key] as { rows?: unknown } | null | undefined;
      return Array.isArray(section?.rows) ? section.rows : [];
    };
    lists.push(...(Array.isArray(r.rows) ? r.rows : []), ...nested('crossNode'), ...nested('reference'));
  }
  return lists.map(figureOf).filter((f): f is StoredFigure => f !== null);
}

function describeMachine(machine: unknown): string | null {
  if (machine === null || typeof machine !== 'object') return null;
  const m = machine as Record<string, unknown>;
  return `${String(m.cores ?? '?')} cores (${String(m.cpu ?? '?')}), node ${String(m.node ?? '?')}`;
}

export function parseRun(path: string, text: string): StoredRun {
  let results: unknown;
  try {
    results = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${(error as Error).message}`);
  }
  const r = (results ?? {}) as Record<string, unknown>;
  const commit = r.commit as { hash?: unknown; dirty?: unknown } | string | null | undefined;
  const hash = typeof commit === 'string' ? commit : typeof commit?.hash === 'string' ? commit.hash : null;
  const figures = figuresOf(results);
  if (figures.length === 0) throw new Error(`${path} holds no bench figures`);
  return {
    path,
    at: typeof r.at === 'string' ? r.at : null,
    commit: hash && typeof commit === 'object' && commit?.dirty === true ? `${hash} (modified)` : hash,
    machine: describeMachine(r.machine),
    figures,
  };
}

export function loadRun(path: string): StoredRun {
  return parseRun(path, readFileSync(path, 'utf8'));
}

function formatRatio(older: number, newer: number): string {
  if (!Number.isFinite(older) || !Number.isFinite(newer) || older === 0) return MISSING;
  return `${(newer / older).toFixed(2)}x`;
}

/**
 * The comparison table: figure, old, new, unit, new/old. The order is the new run's, then
 * the figures only the old run has.
 */
export function renderComparison(older: StoredRun, newer: StoredRun): string {
  const byId = new Map(older.figures.map((f) => [f.id, f]));
  const byLabel = new Map(older.figures.map((f) => [f.figure, f]));
  const used = new Set<StoredFigure>();
  const lines: string[][] = [];
  for (const f of newer.figures) {
    const match = byId.get(f.id) ?? byLabel.get(f.figure);
    if (match) used.add(match);
    const decimals = f.decimals;
    lines.push([
      f.figure,
      match ? formatNumber(match.value, decimals) : MISSING,
      formatNumber(f.value, decimals),
      f.unit,
      match ? formatRatio(match.value, f.value) : MISSING,
    ]);
  }
  for (const f of older.figures) {
    if (used.has(f)) continue;
    lines.push([f.figure, formatNumber(f.value, f.decimals), MISSING, f.unit, MISSING]);
  }
  const header = ['figure', 'old', 'new', 'unit', 'new/old'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const right = new Set([1, 2, 4]);
  const line = (values: string[]): string =>
    values
      .map((v, i) => (right.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const describe = (run: StoredRun): string =>
    `${run.path}: ${run.at ?? 'date unknown'}, commit ${run.commit ?? 'unknown'}` +
    (run.machine ? `, ${run.machine}` : '');
  return [
    `old = ${describe(older)}`,
    `new = ${describe(newer)}`,
    'new/old above 1 is more for rates and longer for times (ms, s) and sizes; values are medians of the rounds.',
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.map(line),
  ].join('\n');
}
