/**
 * The bench's table rows, built from the measurements of bench/run.ts: one row per figure, with
 * a stable id (for `--compare`), the median and min–max of its rounds, the raw baseline it is
 * read against, and the target of the speed issue where there is one.
 */
import type { CrossNodeResult } from './cross-node.js';
import type { HttpLoadResult } from './http-bench.js';
import type { PostgresNodesResult } from './postgres-nodes.js';
import { medianOf, row, type Row } from './report.js';
import type { SearchBenchResult } from './search-bench.js';
import type { StorageResult, VerifyResult } from './storage-bench.js';

export const TARGETS = {
  storageShareOfSign: 0.5,
  crossNodeShareOfVerify: 0.5,
  flashP99Ms: 15,
  /** Append on A until A holds B's witness cosignature covering it (issue 16: p95 <= 2 s). */
  witnessP95Ms: 2000,
  httpRequestsPerSecond: 5000,
  verifyShareOfVerify: 0.8,
  idleRssMb: 100,
  startupMs: 1000,
};

/** Raw rates of this machine, one per round; ratios use the best round (the conservative choice). */
export interface Baselines {
  sign: number[];
  verify: number[];
  fsync: number[];
  bareStartupMs: number;
  bareRssMb: number | null;
}

export const best = (values: number[]): number => Math.max(...values.filter(Number.isFinite));

const mib = (kb: number | null | undefined): number => (kb ?? Number.NaN) / 1024;
const nan = (value: number | null | undefined): number => value ?? Number.NaN;

export function baselineRows(b: Baselines): Row[] {
  const n = b.sign.length;
  return [
    row(`Ed25519 sign, 1 core (raw, ${n} rounds)`, b.sign, 'ops/s', { id: 'raw.sign' }),
    row(`Ed25519 verify, 1 core (raw, ${n} rounds)`, b.verify, 'ops/s', { id: 'raw.verify' }),
    row('4 KiB write + fsync (raw)', b.fsync, 'ops/s', { id: 'raw.fsync' }),
  ];
}

/** Rows of the in-process storage phase; `engine` names the backend in labels and ids. */
export function storageRows(runs: StorageResult[], b: Baselines, engine: 'sqlite' | 'postgres'): Row[] {
  const sign = { label: 'sign (best)', value: best(b.sign) };
  const on = engine === 'sqlite' ? '' : ' on PostgreSQL';
  const id = (name: string): string => (engine === 'sqlite' ? `storage.${name}` : `storage.pg.${name}`);
  const rates = runs.map((r) => r.rate);
  return [
    row(`storage appends${on}, ${runs[0]?.writers ?? 0} writers`, rates, 'appends/s', {
      id: id('appends'),
      baseline: sign,
      ...(engine === 'sqlite'
        ? {
            target: `>= ${TARGETS.storageShareOfSign * 100}% of sign`,
            pass: medianPass(rates, TARGETS.storageShareOfSign * sign.value),
          }
        : {}),
    }),
    row(
      `storage commits${on} (group commit)`,
      runs.map((r) => r.commitsPerSecond),
      'commits/s',
      {
        id: id('commits'),
        ...(engine === 'sqlite' ? { baseline: { label: 'fsync (best)', value: best(b.fsync) } } : {}),
      },
    ),
    row(
      `storage entries per commit${on}`,
      runs.map((r) => r.averageBatch),
      'entries',
      {
        id: id('per.commit'),
        decimals: 1,
      },
    ),
    row(
      `storage append latency${on} p50`,
      runs.map((r) => r.latencyP50Ms),
      'ms',
      {
        id: id('latency.p50'),
        decimals: 2,
      },
    ),
    row(
      `storage append latency${on} p99`,
      runs.map((r) => r.latencyP99Ms),
      'ms',
      {
        id: id('latency.p99'),
        decimals: 2,
      },
    ),
  ];
}

/** Whether the median of `values` reaches `target` (a target is judged on the median round). */
function medianPass(values: number[], target: number): boolean {
  return medianOf(values) >= target;
}

export function verifyRows(runs: VerifyResult[], b: Baselines): Row[] {
  const verify = best(b.verify);
  const rates = runs.map((r) => r.rate);
  return [
    row(`verify (${runs[0]?.entries ?? 0} entries)`, rates, 'entries/s', {
      id: 'verify',
      baseline: { label: 'verify (best)', value: verify },
      target: `>= ${TARGETS.verifyShareOfVerify * 100}% of verify`,
      pass: medianPass(rates, TARGETS.verifyShareOfVerify * verify),
    }),
    // Signatures are shared with the node's worker pool: the rate above is of all its cores.
    row(
      'verify: CPU used (rules on the main thread, signatures also on the pool)',
      runs.map((r) => r.cpuCores),
      'cores',
      { id: 'verify.cores', decimals: 2 },
    ),
  ];
}

/** Rows of the search phase: searches per second against channel pages per second of the same run. */
export function searchRows(runs: SearchBenchResult[]): Row[] {
  const pages = best(runs.map((r) => r.pageRate));
  const entries = runs[0]?.entries ?? 0;
  return [
    row(
      `search (${entries} entries, page of 20)`,
      runs.map((r) => r.rate),
      'searches/s',
      {
        id: 'search',
        baseline: { label: 'channel page (best)', value: pages },
      },
    ),
    row(
      'search latency p50',
      runs.map((r) => r.latencyP50Ms),
      'ms',
      { id: 'search.latency.p50', decimals: 2 },
    ),
    row(
      'search latency p99',
      runs.map((r) => r.latencyP99Ms),
      'ms',
      { id: 'search.latency.p99', decimals: 2 },
    ),
  ];
}

export interface ServerFigures {
  startupMs: number[];
  healthzMs: number[];
  idleRssKb: number | null;
  loadedRssKb: number | null;
  http: HttpLoadResult[];
}

export function serverRows(s: ServerFigures, b: Baselines): Row[] {
  const sign = { label: 'sign (best)', value: best(b.sign) };
  const bare = { label: 'bare node', value: b.bareStartupMs };
  const rates = s.http.map((h) => h.rate);
  const errors = s.http.reduce((sum, h) => sum + h.errors, 0);
  const idleRssMb = mib(s.idleRssKb);
  const startup = row(`start-up to listening, ${s.startupMs.length} starts`, s.startupMs, 'ms', {
    id: 'startup.listening',
    baseline: bare,
  });
  return [
    row(`HTTP appends, ${s.http[0]?.clients ?? 0} clients`, rates, 'req/s', {
      id: 'http.appends',
      baseline: sign,
      target: `>= ${TARGETS.httpRequestsPerSecond} req/s`,
      pass: medianPass(rates, TARGETS.httpRequestsPerSecond) && errors === 0,
    }),
    row(
      'HTTP entries per commit (server)',
      s.http.map((h) => nan(h.serverEntriesPerCommit)),
      'entries',
      {
        id: 'http.per.commit',
        decimals: 1,
      },
    ),
    row(
      'HTTP append latency p50',
      s.http.map((h) => h.latencyP50Ms),
      'ms',
      { id: 'http.latency.p50', decimals: 2 },
    ),
    row(
      'HTTP append latency p99',
      s.http.map((h) => h.latencyP99Ms),
      'ms',
      { id: 'http.latency.p99', decimals: 2 },
    ),
    row(
      'HTTP server CPU under load',
      s.http.map((h) => nan(h.serverCpuCores)),
      'cores',
      {
        id: 'http.server.cpu',
        decimals: 2,
      },
    ),
    row(
      'HTTP load generator CPU',
      s.http.map((h) => h.clientCpuCores),
      'cores',
      {
        id: 'http.client.cpu',
        decimals: 2,
      },
    ),
    row('idle server VmRSS', idleRssMb, 'MiB', {
      id: 'memory.idle',
      decimals: 1,
      ...(b.bareRssMb !== null ? { baseline: { label: 'bare node', value: b.bareRssMb } } : {}),
      target: `< ${TARGETS.idleRssMb} MiB`,
      pass: idleRssMb < TARGETS.idleRssMb,
    }),
    row('server VmRSS after HTTP load', mib(s.loadedRssKb), 'MiB', { id: 'memory.after.load', decimals: 1 }),
    { ...startup, target: `< ${TARGETS.startupMs} ms`, pass: startup.value < TARGETS.startupMs },
    row(`start-up to first /healthz, ${s.healthzMs.length} starts`, s.healthzMs, 'ms', {
      id: 'startup.healthz',
      baseline: bare,
    }),
  ];
}

/** Append on A until A holds B's cosignature covering it, p95 per round. */
function witnessRow(w: CrossNodeResult['witness']): Row {
  const p95 = row(
    "witness: append on A to B's cosignature held by A, p95",
    w.map((r) => r.p95),
    'ms',
    { id: 'cross.witness.p95', decimals: 1 },
  );
  return { ...p95, target: `<= ${TARGETS.witnessP95Ms} ms`, pass: p95.value <= TARGETS.witnessP95Ms };
}

/** The cross-node rows of the table. */
export function crossNodeRows(x: CrossNodeResult, b: Baselines): Row[] {
  const verify = { label: 'verify (best)', value: best(b.verify) };
  const t = x.throughput;
  const l = x.latency;
  const c = x.catchUp;
  const rates = t.map((r) => r.rate);
  const p99 = row(
    'FLASH end-to-end latency p99',
    l.map((r) => r.p99),
    'ms',
    {
      id: 'cross.latency.p99',
      decimals: 2,
    },
  );
  return [
    row(`cross-node throughput, ${t[0]?.clients ?? 0} clients on A, held on B`, rates, 'entries/s', {
      id: 'cross.throughput',
      baseline: verify,
      target: `>= ${TARGETS.crossNodeShareOfVerify * 100}% of verify`,
      pass:
        medianPass(rates, TARGETS.crossNodeShareOfVerify * verify.value) && t.every((r) => r.errors === 0),
    }),
    row(
      'cross-node: A API accepted (write window)',
      t.map((r) => r.writeRate),
      'entries/s',
      {
        id: 'cross.write.rate',
      },
    ),
    row(
      'cross-node: held on B during the window',
      t.map((r) => r.windowRate),
      'entries/s',
      {
        id: 'cross.window.rate',
      },
    ),
    row(
      'cross-node: B drain after the window',
      t.map((r) => r.drainMs),
      'ms',
      { id: 'cross.drain' },
    ),
    row(
      'cross-node: CPU of node A',
      t.map((r) => nan(r.cpuCoresA)),
      'cores',
      { id: 'cross.cpu.a', decimals: 2 },
    ),
    row(
      'cross-node: CPU of node B',
      t.map((r) => nan(r.cpuCoresB)),
      'cores',
      { id: 'cross.cpu.b', decimals: 2 },
    ),
    row(
      'FLASH end-to-end latency p50 (A API -> B live event)',
      l.map((r) => r.p50),
      'ms',
      {
        id: 'cross.latency.p50',
        decimals: 2,
      },
    ),
    row(
      'FLASH end-to-end latency p95',
      l.map((r) => r.p95),
      'ms',
      { id: 'cross.latency.p95', decimals: 2 },
    ),
    { ...p99, target: `< ${TARGETS.flashP99Ms} ms`, pass: p99.value < TARGETS.flashP99Ms },
    row(
      'FLASH post on A alone p50 (for comparison)',
      l.map((r) => r.postP50),
      'ms',
      {
        id: 'cross.post.p50',
        decimals: 2,
      },
    ),
    witnessRow(x.witness),
    row(
      `catch-up after B outage, ${c[0]?.entries ?? 0} entries`,
      c.map((r) => r.rate),
      'entries/s',
      {
        id: 'catchup.rate',
        baseline: verify,
      },
    ),
    row(
      'catch-up from B listening (start-up left out; it is its own row)',
      c.map((r) => (r.secondsFromListening > 0 ? r.entries / r.secondsFromListening : NaN)),
      'entries/s',
      {
        id: 'catchup.rate.listening',
        baseline: verify,
      },
    ),
    row(
      'catch-up: B restart to holding all',
      c.map((r) => r.seconds),
      's',
      { id: 'catchup.seconds', decimals: 2 },
    ),
    row(
      'catch-up: B restart to listening',
      c.map((r) => r.restartMs),
      'ms',
      { id: 'catchup.restart' },
    ),
    row(
      'catch-up: peak VmRSS of A',
      c.map((r) => nan(r.rssMaxMbA)),
      'MiB',
      { id: 'catchup.rss.a', decimals: 1 },
    ),
    row(
      'catch-up: peak VmRSS of B',
      c.map((r) => nan(r.rssMaxMbB)),
      'MiB',
      { id: 'catchup.rss.b', decimals: 1 },
    ),
  ];
}

/** Targets of the PostgreSQL phase, as ratios measured in the same run. */
export const POSTGRES_TARGETS = { shareOfSqliteHttp: 0.4, twoOverOne: 1 };

/**
 * Rows of the PostgreSQL phase (bench/postgres-nodes.ts), read against the SQLite figures of the
 * same run: the HTTP append rate of one `parley serve` on SQLite, and the SQLite cross-node rate.
 */
export function postgresNodeRows(
  p: PostgresNodesResult,
  sqliteHttp: HttpLoadResult[],
  sqliteCrossNode: CrossNodeResult | null,
): Row[] {
  const sqlite = { label: 'SQLite HTTP (same run)', value: medianOf(sqliteHttp.map((h) => h.rate)) };
  const oneProcess = { label: 'PostgreSQL, 1 process', value: p.one.rate };
  const sum = (values: Array<number | null>): number =>
    values.reduce<number>((total, v) => total + (v ?? Number.NaN), 0);
  const rows = [
    row(`HTTP appends on PostgreSQL, 1 process, ${p.one.clients} clients`, p.one.rate, 'req/s', {
      id: 'pg.http.one',
      baseline: sqlite,
      target: `>= ${POSTGRES_TARGETS.shareOfSqliteHttp * 100}% of SQLite`,
      pass: p.one.errors === 0 && p.one.rate >= POSTGRES_TARGETS.shareOfSqliteHttp * sqlite.value,
    }),
    row(
      `HTTP appends on PostgreSQL, 2 processes on one schema, ${p.two.clients} clients`,
      p.two.rate,
      'req/s',
      {
        id: 'pg.http.two',
        baseline: oneProcess,
        target: '>= 1 process',
        pass: p.two.errors === 0 && p.two.rate >= POSTGRES_TARGETS.twoOverOne * oneProcess.value,
      },
    ),
    row('PostgreSQL, 1 process: CPU of the node process', nan(p.one.nodeCpuCores[0]), 'cores', {
      id: 'pg.http.one.cpu.node',
      decimals: 2,
    }),
    row('PostgreSQL, 1 process: CPU of the PostgreSQL server', nan(p.one.postgresCpuCores), 'cores', {
      id: 'pg.http.one.cpu.postgres',
      decimals: 2,
    }),
    row('PostgreSQL, 2 processes: CPU of both node processes', sum(p.two.nodeCpuCores), 'cores', {
      id: 'pg.http.two.cpu.nodes',
      decimals: 2,
    }),
    row('PostgreSQL, 2 processes: CPU of the PostgreSQL server', nan(p.two.postgresCpuCores), 'cores', {
      id: 'pg.http.two.cpu.postgres',
      decimals: 2,
    }),
  ];
  if (p.crossNode) {
    const sqliteRate = sqliteCrossNode ? medianOf(sqliteCrossNode.throughput.map((t) => t.rate)) : Number.NaN;
    rows.push(
      row('Cross-node throughput, B on PostgreSQL', p.crossNode.rate, 'entries/s', {
        id: 'pg.xnode.throughput',
        baseline: { label: 'SQLite cross-node (same run)', value: sqliteRate },
      }),
      row('Cross-node, B on PostgreSQL: CPU of A', nan(p.crossNode.cpuCoresA), 'cores', {
        id: 'pg.xnode.cpu.a',
        decimals: 2,
      }),
      row('Cross-node, B on PostgreSQL: CPU of B', nan(p.crossNode.cpuCoresB), 'cores', {
        id: 'pg.xnode.cpu.b',
        decimals: 2,
      }),
      row(
        'Cross-node, B on PostgreSQL: CPU of the PostgreSQL server',
        nan(p.crossNode.postgresCpuCores),
        'cores',
        {
          id: 'pg.xnode.cpu.postgres',
          decimals: 2,
        },
      ),
    );
  }
  return rows;
}
