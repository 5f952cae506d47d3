/**
 * Shared helpers of the benchmark: settings from the command line and the environment (with a
 * `--quick` profile for smoke runs), progress lines on stderr,
 * clean-up of temp dirs and child processes (also on failure and on signals), and small
 * statistics.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchSettings {
  /** `--quick` (or BENCH_QUICK=1): short phases, one round each; a smoke run, not figures. */
  quick: boolean;
  /** Rounds of each throughput and latency phase (median and min–max), env BENCH_REPEATS. */
  repeats: number;
  /** `--compare OLD.json`: print every figure of this run next to the old one, with the ratio. */
  compare: string | null;
  /** `--to NEW.json` (with --compare): compare two result files without running the bench. */
  compareTo: string | null;
  /** Wall-clock limit of the whole run in seconds; later phases shrink to fit, env BENCH_BUDGET_SECONDS. */
  budgetSeconds: number;
  /** Run the storage phase on PostgreSQL too, env BENCH_POSTGRES (0 = off). */
  postgres: boolean;
  /** The PostgreSQL server for that phase (a fresh schema per run), env BENCH_DATABASE_URL. */
  databaseUrl: string;
  /** Run the web phase in headless Chromium, env BENCH_WEB (0 = off). */
  web: boolean;
  /** Chromium for the web phase, env PARLEY_CHROMIUM. */
  chromium: string;
  /** Notes timed until visible in the browser on B, per round, env BENCH_WEB_SAMPLES. */
  webSamples: number;
  /** Entries of the timeline whose first render is timed, env BENCH_WEB_ENTRIES. */
  webTimelineEntries: number;
  /** Length of each load phase (storage appends, HTTP appends), env BENCH_SECONDS. */
  seconds: number;
  /** Length of each raw baseline, env BENCH_BASELINE_SECONDS. */
  baselineSeconds: number;
  /** Concurrent writer loops against the node in-process, env BENCH_WRITERS. */
  writers: number;
  /** Concurrent keep-alive HTTP clients, env BENCH_HTTP_CLIENTS. */
  httpClients: number;
  /** Principals that write (and hold API tokens), env BENCH_PRINCIPALS. */
  principals: number;
  /** Entries the verified data dir holds at least, env BENCH_VERIFY_ENTRIES. */
  verifyEntries: number;
  /** Entries the search phase searches (bench/search-bench.ts). */
  searchEntries: number;
  /** Server starts timed for the start-up median, env BENCH_STARTS. */
  starts: number;
  /** Where temp dirs go (the disk under test), env BENCH_DIR. */
  baseDir: string;
  /** Hard limit of Parley's own phases (a guard against a hang), env BENCH_DEADLINE_SECONDS. */
  deadlineSeconds: number;
  /** Run the XMPP reference anchor after Parley's phases, env BENCH_ANCHOR (0 = off). */
  anchor: boolean;
  /** The anchor's MSGS (messages per throughput phase), env BENCH_ANCHOR_MSGS. */
  anchorMsgs: number;
  /** The anchor's LAT_MSGS (sequential latency messages), env BENCH_ANCHOR_LAT_MSGS. */
  anchorLatencyMsgs: number;
  /** Limit of the whole anchor phase (both variants), env BENCH_ANCHOR_TIMEOUT_SECONDS. */
  anchorTimeoutSeconds: number;
  /** Run the cross-node phase (two federated node processes), env BENCH_CROSS_NODE (0 = off). */
  crossNode: boolean;
  /** Sequential FLASH entries timed end to end across the two nodes, env BENCH_LATENCY_SAMPLES. */
  latencySamples: number;
  /** Entries written on A while B is down (the scaled-down outage), env BENCH_CATCHUP_ENTRIES. */
  catchUpEntries: number;
  /** Upper bound of that write phase, env BENCH_CATCHUP_WRITE_SECONDS. */
  catchUpWriteSeconds: number;
}

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}=${raw} must be a number between ${min} and ${max}`);
  }
  return value;
}

export class UsageError extends Error {}

/** The bench's own flags: `--quick`, `--compare OLD.json`, `--to NEW.json`. */
export function parseArgs(argv: readonly string[]): {
  quick: boolean;
  compare: string | null;
  to: string | null;
} {
  const parsed = { quick: false, compare: null as string | null, to: null as string | null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[(i += 1)];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a file name`);
      return next;
    };
    if (flag === '--quick') parsed.quick = true;
    else if (flag === '--compare') parsed.compare = value();
    else if (flag === '--to') parsed.to = value();
    else throw new UsageError(`unknown argument ${arg} (known: --quick, --compare OLD.json, --to NEW.json)`);
  }
  if (parsed.to !== null && parsed.compare === null) throw new UsageError('--to needs --compare OLD.json');
  return parsed;
}

/**
 * The settings of a run. Every size has a default for a full run and a smaller one for `--quick`;
 * an environment variable overrides either.
 */
export function readSettings(argv: readonly string[] = process.argv.slice(2)): BenchSettings {
  const args = parseArgs(argv);
  const quick = args.quick || process.env.BENCH_QUICK === '1';
  const pick = (full: number, smoke: number): number => (quick ? smoke : full);
  return {
    quick,
    repeats: Math.round(envNumber('BENCH_REPEATS', pick(3, 1), 1, 20)),
    compare: args.compare,
    compareTo: args.to,
    budgetSeconds: envNumber('BENCH_BUDGET_SECONDS', pick(260, 120), 30, 7200),
    seconds: envNumber('BENCH_SECONDS', pick(3, 1), 0.5, 60),
    baselineSeconds: envNumber('BENCH_BASELINE_SECONDS', pick(1, 0.3), 0.2, 30),
    writers: Math.round(envNumber('BENCH_WRITERS', 64, 1, 4096)),
    httpClients: Math.round(envNumber('BENCH_HTTP_CLIENTS', 64, 1, 1024)),
    principals: Math.round(envNumber('BENCH_PRINCIPALS', 8, 1, 64)),
    verifyEntries: Math.round(envNumber('BENCH_VERIFY_ENTRIES', pick(30_000, 3000), 0, 10_000_000)),
    searchEntries: Math.round(envNumber('BENCH_SEARCH_ENTRIES', pick(100_000, 5000), 1000, 10_000_000)),
    starts: Math.round(envNumber('BENCH_STARTS', pick(5, 2), 1, 50)),
    baseDir: process.env.BENCH_DIR || tmpdir(),
    deadlineSeconds: envNumber('BENCH_DEADLINE_SECONDS', pick(420, 180), 10, 3600),
    postgres: process.env.BENCH_POSTGRES !== '0',
    databaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    web: process.env.BENCH_WEB !== '0',
    chromium: process.env.PARLEY_CHROMIUM || '/usr/bin/chromium',
    webSamples: Math.round(envNumber('BENCH_WEB_SAMPLES', pick(20, 5), 1, 10_000)),
    webTimelineEntries: Math.round(envNumber('BENCH_WEB_ENTRIES', pick(10_000, 500), 10, 1_000_000)),
    anchor: process.env.BENCH_ANCHOR !== '0',
    anchorMsgs: Math.round(envNumber('BENCH_ANCHOR_MSGS', pick(5000, 500), 100, 1_000_000)),
    anchorLatencyMsgs: Math.round(envNumber('BENCH_ANCHOR_LAT_MSGS', pick(500, 50), 10, 100_000)),
    anchorTimeoutSeconds: envNumber('BENCH_ANCHOR_TIMEOUT_SECONDS', pick(150, 60), 30, 3600),
    crossNode: process.env.BENCH_CROSS_NODE !== '0',
    latencySamples: Math.round(envNumber('BENCH_LATENCY_SAMPLES', pick(150, 20), 10, 100_000)),
    catchUpEntries: Math.round(envNumber('BENCH_CATCHUP_ENTRIES', pick(3000, 200), 100, 10_000_000)),
    catchUpWriteSeconds: envNumber('BENCH_CATCHUP_WRITE_SECONDS', pick(10, 3), 1, 600),
  };
}

/** Seconds since the bench process started (the budget's clock). */
export function elapsedSeconds(): number {
  return (performance.now() - startedAt) / 1000;
}

/**
 * The run's time budget. Each phase may use the budget up to a share of it (its `until`,
 * cumulative: 0.3 = until 30% of the budget has passed); its first round always runs, a later
 * round only while the phase is within its share. On a machine busy with other work the run
 * then ends with fewer rounds instead of running long, and says which phases were cut.
 */
export class Budget {
  /** One line per phase that ran fewer rounds than asked. */
  readonly cut: string[] = [];

  constructor(
    readonly seconds: number,
    private readonly clock: () => number = elapsedSeconds,
  ) {}

  /** A `more(round)` for `phase`: whether round `round` (1-based) of `rounds` still fits. */
  rounds(phase: string, rounds: number, until: number): (round: number) => boolean {
    return (round: number): boolean => {
      if (round <= 1) return true;
      if (this.clock() < until * this.seconds) return true;
      const line = `${phase}: ${round - 1} of ${rounds} rounds (budget of ${this.seconds}s)`;
      if (!this.cut.includes(line)) {
        this.cut.push(line);
        progress(
          `${phase}: round ${round} of ${rounds} skipped, to stay within the budget of ${this.seconds}s`,
        );
      }
      return false;
    };
  }
}

const startedAt = performance.now();

/** A progress line on stderr, stamped with the time since the bench started. */
export function progress(message: string): void {
  const elapsed = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[bench +${elapsed}s] ${message}\n`);
}

/** The project root: the nearest parent of this module that holds package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the project root (package.json)');
    dir = parent;
  }
  return dir;
}

/**
 * Everything the bench must undo: temp dirs and child processes. `runSync` is safe to call from
 * a process 'exit' handler, so clean-up happens whatever way the run ends.
 */
export class Cleanup {
  private readonly dirs: string[] = [];
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly baseDir: string) {}

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(this.baseDir, `parley-bench-${prefix}-`));
    this.dirs.push(dir);
    return dir;
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  runSync(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.children.clear();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `op` in a tight loop for about `seconds`, reading the clock every `batch` operations;
 * returns operations per second.
 */
export function timedLoop(
  seconds: number,
  op: (i: number) => void,
  batch = 64,
): { ops: number; seconds: number; rate: number } {
  const started = performance.now();
  const end = started + seconds * 1000;
  let ops = 0;
  let now = started;
  while (now < end) {
    for (let i = 0; i < batch; i += 1) op(ops + i);
    ops += batch;
    now = performance.now();
  }
  const elapsed = (now - started) / 1000;
  return { ops, seconds: elapsed, rate: ops / elapsed };
}

/** The p-quantile (0..1) of already sorted numbers, nearest-rank. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where unavailable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux architecture Node supports.
    return ticks / 100;
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM of a process in KiB, from /proc; null where unavailable. */
export function processMemoryKb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = field('VmRSS');
    const hwm = field('VmHWM');
    return Number.isFinite(rss) ? { rss, hwm } : null;
  } catch {
    return null;
  }
}

/** Progress once a second while a phase runs: the running count and the rate since the last line. */
export function ticker(label: string, unit: string, count: () => number, everyMs = 1000): () => void {
  let last = count();
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const current = count();
    const rate = ((current - last) * 1000) / (now - lastAt);
    progress(
      `${label}: ${current} ${unit} so far, ${rate.toFixed(0)}/s in the last ${((now - lastAt) / 1000).toFixed(1)}s`,
    );
    last = current;
    lastAt = now;
  }, everyMs);
  return () => clearInterval(timer);
}
