/**
 * The PostgreSQL phase of `npm run bench`: real `parley serve` processes of one node on one
 * PostgreSQL schema, measured beside the SQLite figures of the same run.
 *
 * - appends/s through the HTTP API with one process, then with two processes on the same schema
 *   (the same number of clients, split between them);
 * - cross-node entries/s with the receiving node (B) on PostgreSQL (bench/cross-node.ts,
 *   throughput only);
 * - the CPU each node process and the PostgreSQL server (every `postgres` process, from /proc)
 *   used in each window, in cores, so the bottleneck is named.
 *
 * Targets (issue "Several node processes per party on PostgreSQL"): PostgreSQL at least 40% of
 * the SQLite HTTP append rate of the same run, and two processes at least as fast as one. Each
 * measurement runs once (the phase shares the run's 5-minute budget); throw-away schemas are
 * dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { runCrossNode, type CrossNodeRound } from './cross-node.js';
import { createFixture, createTokens } from './fixture.js';
import { runHttpLoad, startParley, type HttpLoadResult } from './http-bench.js';
import { type Cleanup, progress, type BenchSettings } from './util.js';

export interface PostgresLoad {
  processes: number;
  clients: number;
  rate: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  /** CPU of each node process during the window, in cores. */
  nodeCpuCores: Array<number | null>;
  /** CPU of every PostgreSQL server process during the window, in cores. */
  postgresCpuCores: number | null;
  /** Entries per group commit of each node process during the window, from its /metrics. */
  entriesPerCommit: Array<number | null>;
}

export interface PostgresNodesResult {
  one: PostgresLoad;
  two: PostgresLoad;
  /** B on PostgreSQL; `postgresCpuCores` is the server's CPU during the window. */
  crossNode: (CrossNodeRound['throughput'] & { postgresCpuCores: number | null }) | null;
}

/**
 * CPU seconds used so far by the PostgreSQL server on this machine: every process named
 * `postgres` (postmaster and live backends), plus the CPU of exited children the postmaster has
 * reaped (cutime/cstime), so backends that end during a window still count. Null when none is
 * visible (a server on another machine).
 */
export function postgresCpuSeconds(): number | null {
  let ticks = 0;
  let found = false;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name: utime, stime, cutime, cstime are fields 14 to 17.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
      found = true;
    } catch {
      // The process ended while being read.
    }
  }
  // USER_HZ is 100 on every Linux architecture Node supports.
  return found ? ticks / 100 : null;
}

function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  const parsed = new URL(url);
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString(), connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } catch (error) {
    progress(`postgres nodes: could not drop schemas ${schemas.join(', ')}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const cores = (before: number | null, after: number | null, seconds: number): number | null =>
  before !== null && after !== null && seconds > 0 ? (after - before) / seconds : null;

function describe(load: PostgresLoad): string {
  const node = load.nodeCpuCores.map((c) => (c === null ? 'n/a' : c.toFixed(2))).join(' + ');
  return (
    `${load.rate.toFixed(0)} appends/s (${load.errors} errors); CPU: node ${node} cores, ` +
    `PostgreSQL ${load.postgresCpuCores?.toFixed(2) ?? 'n/a'} cores; entries per commit ` +
    load.entriesPerCommit.map((e) => (e === null ? 'n/a' : e.toFixed(1))).join(' + ')
  );
}

export async function postgresNodesPhase(
  settings: BenchSettings,
  cleanup: Cleanup,
  root: string,
): Promise<PostgresNodesResult> {
  const id = randomBytes(6).toString('hex');
  const schemas = [`parley_bench_nodes_${id}`, `parley_bench_xnode_${id}`];
  const url = withSchema(settings.databaseUrl, schemas[0]!);
  try {
    const dataDir = join(cleanup.tempDir('pg-nodes'), 'data');
    progress(`postgres nodes: preparing ${dataDir} on schema ${schemas[0]}`);
    const fixture = await createFixture(dataDir, settings.principals, url);
    let tokens: string[];
    try {
      tokens = await createTokens(fixture.node, fixture.writers);
    } finally {
      await fixture.node.close();
    }
    const clients = settings.httpClients;

    const first = await startParley(cleanup, root, dataDir);
    progress(`postgres nodes: one process, ${clients} clients for ${settings.seconds}s`);
    let pg0 = postgresCpuSeconds();
    const alone = await runHttpLoad(first, fixture.channel, tokens, clients, settings.seconds);
    let pg1 = postgresCpuSeconds();
    const one: PostgresLoad = {
      processes: 1,
      clients,
      rate: alone.rate,
      errors: alone.errors,
      firstError: alone.firstError,
      seconds: alone.seconds,
      nodeCpuCores: [alone.serverCpuCores],
      postgresCpuCores: cores(pg0, pg1, alone.seconds),
      entriesPerCommit: [alone.serverEntriesPerCommit],
    };
    progress(`postgres nodes: one process: ${describe(one)}`);

    const second = await startParley(cleanup, root, dataDir);
    progress(`postgres nodes: two processes on one schema, ${clients} clients split between them`);
    const half = Math.max(1, Math.floor(clients / 2));
    pg0 = postgresCpuSeconds();
    const both: HttpLoadResult[] = await Promise.all([
      runHttpLoad(
        first,
        fixture.channel,
        tokens.filter((_, i) => i % 2 === 0),
        half,
        settings.seconds,
      ),
      runHttpLoad(
        second,
        fixture.channel,
        tokens.filter((_, i) => i % 2 === 1),
        clients - half,
        settings.seconds,
      ),
    ]);
    pg1 = postgresCpuSeconds();
    const seconds = Math.max(...both.map((r) => r.seconds));
    const two: PostgresLoad = {
      processes: 2,
      clients,
      rate: both.reduce((sum, r) => sum + r.rate, 0),
      errors: both.reduce((sum, r) => sum + r.errors, 0),
      firstError: both.find((r) => r.firstError)?.firstError ?? null,
      seconds,
      nodeCpuCores: both.map((r) => r.serverCpuCores),
      postgresCpuCores: cores(pg0, pg1, seconds),
      entriesPerCommit: both.map((r) => r.serverEntriesPerCommit),
    };
    progress(`postgres nodes: two processes: ${describe(two)}`);
    await Promise.all([first.stop(), second.stop()]);

    let crossNode: PostgresNodesResult['crossNode'] = null;
    if (settings.crossNode) {
      progress('postgres nodes: cross-node throughput with B on PostgreSQL');
      const result = await runCrossNode(cleanup, {
        root,
        clients: settings.httpClients,
        principals: settings.principals,
        seconds: settings.seconds,
        latencySamples: 0,
        catchUpEntries: 0,
        catchUpWriteSeconds: 0,
        rounds: 1,
        databaseUrlB: withSchema(settings.databaseUrl, schemas[1]!),
        extraCpuSeconds: postgresCpuSeconds,
        more: { latency: () => false, catchUp: () => false },
      });
      const round = result.throughput[0];
      if (round) crossNode = { ...round, postgresCpuCores: round.cpuCoresExtra };
    }
    return { one, two, crossNode };
  } finally {
    await dropSchemas(settings.databaseUrl, schemas);
  }
}
