/**
 * Parley's cross-node figures side by side with the XMPP anchor's (bench/xmpp-anchor.ts), from
 * the same run on the same machine: a small table with the columns Parley | XMPP default |
 * XMPP durable.
 *
 * bench/run.ts builds the `ParleyCrossNodeFigures` from the medians of its cross-node rounds
 * (null when that phase was skipped or failed; missing values print as '—'). Comparing a run
 * with an older run of the bench is bench/compare-runs.ts.
 */
import type { XmppAnchorResult, XmppFigures, XmppVariantName } from './xmpp-anchor.js';

/** Parley's figures across two federated nodes, to compare with the XMPP anchor's. */
export interface ParleyCrossNodeFigures {
  /** Cross-node throughput: entries/s posted on node A and delivered on node B (msg/s). */
  throughput?: number;
  /** FLASH end-to-end latency, post on node A to delivery on node B, in ms. */
  p50?: number;
  p95?: number;
  p99?: number;
}

const MISSING = '—';

interface ComparedFigure {
  label: string;
  decimals: number;
  parley: (p: ParleyCrossNodeFigures) => number | undefined;
  xmpp: (x: XmppFigures) => number | null;
}

const FIGURES: ComparedFigure[] = [
  {
    label: 'cross-node throughput (msg/s)',
    decimals: 0,
    parley: (p) => p.throughput,
    xmpp: (x) => x.throughputMsgsPerSecond,
  },
  {
    label: 'end-to-end latency p50 (ms)',
    decimals: 2,
    parley: (p) => p.p50,
    xmpp: (x) => x.latencyP50Ms,
  },
  {
    label: 'end-to-end latency p95 (ms)',
    decimals: 2,
    parley: (p) => p.p95,
    xmpp: (x) => x.latencyP95Ms,
  },
  {
    label: 'end-to-end latency p99 (ms)',
    decimals: 2,
    parley: (p) => p.p99,
    xmpp: (x) => x.latencyP99Ms,
  },
];

function format(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function variantFigures(xmpp: XmppAnchorResult | null, name: XmppVariantName): XmppFigures | null {
  return xmpp?.variants.find((v) => v.variant === name)?.figures ?? null;
}

/** The side-by-side table as text (no trailing newline). */
export function renderSideBySide(
  parley: ParleyCrossNodeFigures | null,
  xmpp: XmppAnchorResult | null,
): string {
  const xmppDefault = variantFigures(xmpp, 'default');
  const xmppDurable = variantFigures(xmpp, 'durable');
  const header = ['figure', 'Parley', 'XMPP default', 'XMPP durable'];
  const cells = FIGURES.map((f) => [
    f.label,
    format(parley ? f.parley(parley) : undefined, f.decimals),
    format(xmppDefault ? f.xmpp(xmppDefault) : null, f.decimals),
    format(xmppDurable ? f.xmpp(xmppDurable) : null, f.decimals),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const notes = [
    'Parley: entries across two federated nodes, FLASH precedence' +
      (parley ? '' : ' (not measured in this run yet: —)') +
      '.',
    'XMPP: Prosody s2s on loopback, 200-byte messages, one-way latency alice@A -> bob@B;' +
      ' default = routed in memory, durable = MAM archive in SQLite (fsync) on both servers.',
  ];
  if (xmpp && !xmpp.available) notes.push(xmpp.reason ?? 'anchor not available');
  for (const v of xmpp?.variants ?? []) {
    if (v.status !== 'ok') notes.push(`XMPP ${v.variant}: ${v.status}: ${v.reason ?? ''}`);
  }
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    ...notes.map((n) => `  ${n}`),
  ].join('\n');
}

/** Prints the Parley | XMPP default | XMPP durable table on stdout, under a heading. */
export function printSideBySide(parley: ParleyCrossNodeFigures | null, xmpp: XmppAnchorResult | null): void {
  process.stdout.write(
    `\nSide by side: Parley cross-node vs federated XMPP (same machine, same run)\n${renderSideBySide(parley, xmpp)}\n`,
  );
}
