/**
 * The reference anchor: a federated XMPP deployment (two Prosody servers federating over s2s on
 * loopback, see ../shared/anchors/xmpp/README.md) measured on this machine in the same bench run,
 * so Parley's cross-node figures can be read next to those of a widely deployed federated
 * messaging server: same machine, same moment, same 200-byte messages.
 *
 * The anchor is `<project>/../shared/anchors/xmpp/run.sh` (see `xmppAnchorScript`), run as a child process once per
 * variant: `default` (Prosody's default: routed in memory, nothing persisted) and `durable`
 * (MAM=1 STORAGE=sqlite: every message archived on both servers, fsync per commit). On its
 * first use it installs Prosody via apt-get and runs `npm ci` in a temporary copy of itself.
 * Its stderr is streamed to ours with an `[xmpp]` prefix; its stdout ends with one JSON line
 * holding every number and a one-line summary (server version, durability).
 *
 * Nothing here fails the bench: a missing anchor, a failed run or a timeout become a result
 * with a reason. On timeout (and when the bench exits early) the whole process tree of the run
 * (bash, `timeout`, node, both Prosody servers) gets SIGTERM, so run.sh's own clean-up stops the
 * servers and removes its temp dirs; whatever is still alive after a grace period gets SIGKILL.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { row, type Row, type Section } from './report.js';
import { progress, sleep } from './util.js';

export type XmppVariantName = 'default' | 'durable';

/** The figures of one anchor run (one variant), as reported by the anchor's JSON line. */
export interface XmppFigures {
  /** `MSGS` messages alice -> bob across s2s, at most `window` in flight. */
  throughputMsgsPerSecond: number;
  /** One-way latency (alice's send() until bob's client parsed it), sequential messages. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  /** XEP-0184 delivery receipt round trip (A->B->A), sequential messages; null with RECEIPTS=0. */
  receiptRttP50Ms: number | null;
  receiptRttP95Ms: number | null;
  receiptRttP99Ms: number | null;
  /** Throughput where a message counts once its receipt is back at alice; null with RECEIPTS=0. */
  receiptedThroughputMsgsPerSecond: number | null;
  /** E.g. 'prosody 0.12.3-1+deb12u1', from the summary line. */
  serverVersion: string;
  /** What the servers persist, in the anchor's words, from the summary line. */
  durability: string;
  /** Sizes the anchor actually used. */
  msgs: number;
  latencyMsgs: number;
  bodyBytes: number;
  window: number;
  /** CPU use (% of one core) of server A, server B and the client during the throughput phase. */
  throughputCpuPct: { serverA: number | null; serverB: number | null; client: number | null } | null;
}

export interface XmppVariantResult {
  variant: XmppVariantName;
  /** The anchor's environment knobs of this variant. */
  env: Record<string, string>;
  status: 'ok' | 'failed' | 'timeout' | 'skipped';
  /** Why there are no figures (status other than 'ok'). */
  reason: string | null;
  figures: XmppFigures | null;
  /** Wall time of the child process, including any apt-get / npm ci on first use. */
  seconds: number;
  /** The anchor's own summary line, verbatim. */
  summary: string | null;
  /** The anchor's JSON line, parsed (every number it measured). */
  raw: unknown;
}

export interface XmppAnchorResult {
  /** False when the anchor script does not exist; `reason` says so and `variants` is empty. */
  available: boolean;
  reason: string | null;
  script: string;
  variants: XmppVariantResult[];
  seconds: number;
}

export interface XmppAnchorOptions {
  /** The Parley project root; the anchor is looked up at `<root>/../shared/anchors/xmpp/run.sh`. */
  root: string;
  /** MSGS: messages in each throughput phase. */
  msgs?: number;
  /** LAT_MSGS: sequential messages in each latency phase. */
  latencyMsgs?: number;
  /** PHASE_TIMEOUT_S: the anchor's own limit for any one phase. */
  phaseTimeoutSeconds?: number;
  /** Limit for all variants together; a variant still running then is killed. */
  timeoutSeconds?: number;
  variants?: XmppVariantName[];
}

const VARIANT_ENV: Record<XmppVariantName, Record<string, string>> = {
  default: { MAM: '0', STORAGE: 'internal' },
  durable: { MAM: '1', STORAGE: 'sqlite' },
};
/** Time kept back for each later variant when an earlier one runs long. */
const RESERVE_PER_LATER_VARIANT_MS = 60_000;
/** From SIGTERM to SIGKILL of the anchor's process tree. */
const KILL_GRACE_MS = 8_000;
const STDERR_TAIL_LINES = 15;

/**
 * Where the anchor script is: BENCH_XMPP_ANCHOR if set, else `shared/anchors/xmpp/run.sh` in the
 * nearest parent of the project root that holds one (a checkout beside the shared folder, or a
 * worktree one level further down), else where a checkout beside it would have it.
 */
export function xmppAnchorScript(root: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.BENCH_XMPP_ANCHOR) return resolve(env.BENCH_XMPP_ANCHOR);
  const expected = resolve(root, '..', 'shared', 'anchors', 'xmpp', 'run.sh');
  for (let dir = resolve(root, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'anchors', 'xmpp', 'run.sh');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return expected;
  }
}

/**
 * Runs the XMPP anchor (both variants by default, one after the other) and returns its figures.
 * Never throws for anchor problems: see `available`, and `status`/`reason` of each variant.
 */
export async function runXmppAnchor(options: XmppAnchorOptions): Promise<XmppAnchorResult> {
  const started = performance.now();
  const script = xmppAnchorScript(options.root);
  if (!existsSync(script)) {
    return {
      available: false,
      reason: `anchor not available: ${script} does not exist`,
      script,
      variants: [],
      seconds: 0,
    };
  }
  const msgs = options.msgs ?? 5000;
  const latencyMsgs = options.latencyMsgs ?? 500;
  const phaseTimeoutSeconds = options.phaseTimeoutSeconds ?? 120;
  const deadline = started + (options.timeoutSeconds ?? 240) * 1000;
  const names = options.variants ?? ['default', 'durable'];
  const variants: XmppVariantResult[] = [];
  for (const [index, variant] of names.entries()) {
    const env = {
      MSGS: String(msgs),
      LAT_MSGS: String(latencyMsgs),
      PHASE_TIMEOUT_S: String(phaseTimeoutSeconds),
      ...VARIANT_ENV[variant],
    };
    const left = deadline - performance.now();
    const budgetMs = Math.max(
      Math.min(left, 30_000),
      left - RESERVE_PER_LATER_VARIANT_MS * (names.length - index - 1),
    );
    if (left < 5_000) {
      variants.push({
        variant,
        env,
        status: 'skipped',
        reason: 'no time left in the anchor budget',
        figures: null,
        seconds: 0,
        summary: null,
        raw: null,
      });
      continue;
    }
    progress(
      `xmpp anchor (${variant}): ${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')} bash ${script} (limit ${(budgetMs / 1000).toFixed(0)}s)`,
    );
    const result = await runVariant(script, variant, env, budgetMs);
    progress(
      result.figures
        ? `xmpp anchor (${variant}): ${result.figures.throughputMsgsPerSecond.toFixed(0)} msg/s, one-way p50 ${result.figures.latencyP50Ms.toFixed(2)} ms, in ${result.seconds.toFixed(1)}s`
        : `xmpp anchor (${variant}): ${result.status}: ${result.reason}`,
    );
    variants.push(result);
  }
  return { available: true, reason: null, script, variants, seconds: (performance.now() - started) / 1000 };
}

async function runVariant(
  script: string,
  variant: XmppVariantName,
  env: Record<string, string>,
  budgetMs: number,
): Promise<XmppVariantResult> {
  const started = performance.now();
  const child = spawn('bash', [script], {
    cwd: dirname(script),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  const stderrTail: string[] = [];
  const leftovers = new Set<string>();
  createInterface({ input: child.stdout }).on('line', (line) => stdoutLines.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => {
    process.stderr.write(`[xmpp] ${line}\n`);
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    const runDir = /run dir (\/tmp\/xmpp-anchor\.[A-Za-z0-9]+)/.exec(line)?.[1];
    if (runDir) leftovers.add(runDir);
  });

  // If the bench exits while the anchor runs (deadline, signal), stop the tree the gentle way.
  const onExit = (): void => {
    if (child.pid !== undefined) signalTree(child.pid, 'SIGTERM', processTree(child.pid));
  };
  process.on('exit', onExit);

  type Outcome = { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  const closed = new Promise<Outcome>((resolveClose) => {
    child.once('error', (error) => resolveClose({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolveClose({ code, signal }));
  });
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolveLimit) => {
    timer = setTimeout(() => resolveLimit('timeout'), budgetMs);
  });
  const first = await Promise.race([closed, limit]);
  clearTimeout(timer);
  const timedOut = first === 'timeout';
  if (timedOut) await stopTree(child.pid, closed, leftovers);
  process.off('exit', onExit);
  const outcome: Outcome = timedOut ? { code: null, signal: 'SIGTERM' } : (first as Outcome);
  const seconds = (performance.now() - started) / 1000;

  const base = { variant, env, seconds };
  const failed = (status: 'failed' | 'timeout', reason: string): XmppVariantResult => ({
    ...base,
    status,
    reason,
    figures: null,
    summary: null,
    raw: null,
  });
  if (outcome.error) return failed('failed', `could not start bash: ${outcome.error.message}`);
  if (timedOut) return failed('timeout', `killed after ${(budgetMs / 1000).toFixed(0)}s`);
  if (outcome.code !== 0) {
    const last = stderrTail.filter((l) => l.trim() !== '').slice(-3);
    return failed('failed', `run.sh exited with ${outcome.code ?? outcome.signal}: ${last.join(' | ')}`);
  }
  try {
    const parsed = parseAnchorOutput(stdoutLines);
    return { ...base, status: 'ok', reason: null, ...parsed };
  } catch (error) {
    return failed('failed', error instanceof Error ? error.message : String(error));
  }
}

/** Parses the anchor's stdout: the last JSON line (every number) and the summary line after it. */
export function parseAnchorOutput(lines: string[]): { figures: XmppFigures; summary: string; raw: unknown } {
  const nonEmpty = lines.map((l) => l.trim()).filter((l) => l !== '');
  const jsonIndex = nonEmpty.findLastIndex((l) => l.startsWith('{'));
  if (jsonIndex < 0) throw new Error('no JSON line in the anchor output');
  const summary = nonEmpty.slice(jsonIndex + 1).find((l) => l.startsWith('xmpp-s2s:')) ?? '';
  const raw: unknown = JSON.parse(nonEmpty[jsonIndex]!);
  const field = (path: string): unknown =>
    path.split('.').reduce<unknown>((value, key) => {
      if (value !== null && typeof value === 'object') return (value as Record<string, unknown>)[key];
      return undefined;
    }, raw);
  const required = (path: string): number => {
    const value = field(path);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`anchor JSON has no number at ${path}`);
    }
    return value;
  };
  const optional = (path: string): number | null => {
    const value = field(path);
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  const cpu = field('throughput.cpu');
  const serverMatch = /\(server=(.*?), durability=(.*)\)\s*$/.exec(summary);
  const figures: XmppFigures = {
    throughputMsgsPerSecond: required('throughput.msgs_per_s'),
    latencyP50Ms: required('latency.p50_ms'),
    latencyP95Ms: required('latency.p95_ms'),
    latencyP99Ms: required('latency.p99_ms'),
    receiptRttP50Ms: optional('receipt_latency.p50_ms'),
    receiptRttP95Ms: optional('receipt_latency.p95_ms'),
    receiptRttP99Ms: optional('receipt_latency.p99_ms'),
    receiptedThroughputMsgsPerSecond: optional('receipt_throughput.msgs_per_s'),
    serverVersion: serverMatch?.[1] ?? 'unknown',
    durability: serverMatch?.[2] ?? 'unknown',
    msgs: required('params.msgs'),
    latencyMsgs: required('params.lat_msgs'),
    bodyBytes: required('params.body_bytes'),
    window: required('params.window'),
    throughputCpuPct: cpu
      ? {
          serverA: optional('throughput.cpu.server_a_cpu_pct'),
          serverB: optional('throughput.cpu.server_b_cpu_pct'),
          client: optional('throughput.cpu.client_cpu_pct'),
        }
      : null,
  };
  return { figures, summary, raw };
}

/** The pid and every descendant of it, from /proc (parents before children). */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [rootPid];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function signalTree(rootPid: number, signal: NodeJS.Signals, pids: number[]): void {
  for (const pid of pids.length > 0 ? pids : [rootPid]) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to the whole tree (run.sh traps it and stops its servers once its foreground child is
 * gone), SIGKILL to whatever survives the grace period, then removal of temp dirs run.sh could
 * not remove itself.
 */
async function stopTree(
  rootPid: number | undefined,
  closed: Promise<unknown>,
  leftovers: Set<string>,
): Promise<void> {
  if (rootPid === undefined) return;
  const pids = processTree(rootPid);
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const copy = /(\/tmp\/xmpp-anchor-src\.[A-Za-z0-9]+)\/run\.sh/.exec(cmdline)?.[1];
      if (copy) leftovers.add(copy);
    } catch {
      // Gone already.
    }
  }
  progress(`xmpp anchor: time limit reached, stopping ${pids.length} processes`);
  signalTree(rootPid, 'SIGTERM', pids);
  let graceTimer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([
    closed.then(() => true),
    new Promise<boolean>((resolveGrace) => {
      graceTimer = setTimeout(() => resolveGrace(false), KILL_GRACE_MS);
    }),
  ]);
  clearTimeout(graceTimer);
  if (graceful) await sleep(1000); // run.sh's trap may still be stopping servers
  const survivors = pids.filter(alive);
  if (survivors.length > 0) {
    progress(`xmpp anchor: SIGKILL to ${survivors.length} processes that outlived SIGTERM`);
    signalTree(rootPid, 'SIGKILL', survivors);
    await sleep(500);
    for (const dir of leftovers) {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  }
}

const VARIANT_LABEL: Record<XmppVariantName, string> = {
  default: 'XMPP default',
  durable: 'XMPP durable (MAM+SQLite)',
};

export const XMPP_HEADING = 'Reference: federated XMPP (Prosody s2s) on this machine, same run';

/** The report section of the anchor: a value row per figure and variant, all informational. */
export function xmppSection(result: XmppAnchorResult): Section {
  const notes: string[] = [];
  const rows: Row[] = [];
  if (!result.available) {
    notes.push(result.reason ?? 'anchor not available');
    return { heading: XMPP_HEADING, notes, rows };
  }
  const first = result.variants.find((v) => v.figures)?.figures;
  if (first) {
    notes.push(
      `${first.serverVersion} x2, s2s over TLS on loopback; ${first.msgs} x ${first.bodyBytes} B per throughput phase (window ${first.window}), ${first.latencyMsgs} sequential latency msgs`,
    );
  }
  for (const v of result.variants) {
    const label = VARIANT_LABEL[v.variant];
    if (!v.figures) {
      notes.push(`${label}: ${v.status}: ${v.reason ?? ''}`);
      continue;
    }
    const f = v.figures;
    notes.push(`${label} durability: ${f.durability}`);
    const ms = (figure: string, value: number | null): Row =>
      row(`${label}: ${figure}`, value ?? Number.NaN, 'ms', { decimals: 2 });
    rows.push(
      row(`${label}: throughput`, f.throughputMsgsPerSecond, 'msg/s'),
      ms('one-way latency p50', f.latencyP50Ms),
      ms('one-way latency p95', f.latencyP95Ms),
      ms('one-way latency p99', f.latencyP99Ms),
      ms('receipt RTT p50', f.receiptRttP50Ms),
      ms('receipt RTT p95', f.receiptRttP95Ms),
      ms('receipt RTT p99', f.receiptRttP99Ms),
      row(`${label}: receipted throughput`, f.receiptedThroughputMsgsPerSecond ?? Number.NaN, 'msg/s'),
    );
  }
  return { heading: XMPP_HEADING, notes, rows };
}
