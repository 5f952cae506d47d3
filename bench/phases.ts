/**
 * The phases of bench/run.ts that measure the node alone: raw baselines, the bare Node floor,
 * in-process storage appends (SQLite, and PostgreSQL in a throw-away schema), and a real
 * `parley serve` (start-up, memory, HTTP load). Each throughput phase runs `repeats` rounds.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { measureFsync, measureSign, measureVerify } from './baselines.js';
import { createFixture, createTokens } from './fixture.js';
import { call, runHttpLoad, spawnUntilReady, startParley, type HttpLoadResult } from './http-bench.js';
import type { Baselines, ServerFigures } from './rows.js';
import { runStorageAppends, type StorageResult } from './storage-bench.js';
import { type BenchSettings, type Cleanup, median, processMemoryKb, progress, sleep } from './util.js';

/** A bare `node` that prints a line: the floor for start-up time and resident memory. */
export async function measureBareNode(
  cleanup: Cleanup,
  starts: number,
): Promise<{ startupMs: number; rssMb: number | null }> {
  const script = "process.stdout.write('ready\\n'); setInterval(() => {}, 1000);";
  const times: number[] = [];
  let rssMb: number | null = null;
  for (let i = 0; i < starts; i += 1) {
    const bare = await spawnUntilReady(cleanup, ['-e', script], /^(ready)$/);
    times.push(bare.readyMs);
    if (i === starts - 1) {
      await sleep(500);
      const memory = processMemoryKb(bare.pid);
      rssMb = memory ? memory.rss / 1024 : null;
    }
    await bare.stop();
  }
  return { startupMs: median(times), rssMb };
}

/** The commit this run measured, and whether the work tree had changes; null outside git. */
export function currentCommit(root: string): { hash: string; dirty: boolean } | null {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return {
      hash: git('rev-parse', 'HEAD'),
      dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    };
  } catch {
    return null;
  }
}

/** `rounds` runs of `measure`, with the round in the progress line when there are several. */
export async function rounds<T>(
  count: number,
  measure: (of: string) => Promise<T>,
  more: (round: number) => boolean = () => true,
): Promise<T[]> {
  const results: T[] = [];
  for (let round = 1; round <= count && more(round); round += 1) {
    results.push(await measure(count > 1 ? ` (round ${round}/${count})` : ''));
  }
  return results;
}

/** One round of the raw baselines, added to `into`. */
export function baselineRound(cleanup: Cleanup, seconds: number, into: Baselines, when: string): void {
  const sign = measureSign(seconds).rate;
  const verify = measureVerify(seconds).rate;
  const fsync = measureFsync(cleanup.tempDir('fsync'), seconds).rate;
  into.sign.push(sign);
  into.verify.push(verify);
  into.fsync.push(fsync);
  progress(
    `baseline (${when}): sign ${sign.toFixed(0)}/s, verify ${verify.toFixed(0)}/s, fsync ${fsync.toFixed(0)}/s`,
  );
}

/** The in-process storage phase on a fresh node: `repeats` rounds of appends by many writers. */
export async function storagePhase(
  settings: BenchSettings,
  dataDir: string,
  label: string,
  more: (round: number) => boolean,
  databaseUrl?: string,
): Promise<StorageResult[]> {
  progress(`${label}: creating a node with ${settings.principals} principals`);
  const fixture = await createFixture(dataDir, settings.principals, databaseUrl);
  try {
    return await rounds(
      settings.repeats,
      async (of) => {
        progress(
          `${label}${of}: ${settings.writers} concurrent writers calling postEntry for ${settings.seconds}s`,
        );
        const result = await runStorageAppends(fixture, settings.writers, settings.seconds);
        progress(
          `${label}${of}: ${result.rate.toFixed(0)} appends/s, ${result.averageBatch.toFixed(1)} per commit, ${result.cpuCores.toFixed(2)} cores`,
        );
        return result;
      },
      more,
    );
  } finally {
    await fixture.node.close();
  }
}

/** The storage phase on PostgreSQL, in a schema of its own that is dropped afterwards. */
export async function postgresStoragePhase(
  settings: BenchSettings,
  dataDir: string,
  more: (round: number) => boolean,
): Promise<StorageResult[]> {
  const schema = `parley_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(settings.databaseUrl);
  url.searchParams.set('schema', schema);
  try {
    return await storagePhase(settings, dataDir, 'storage (PostgreSQL)', more, url.toString());
  } finally {
    url.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } catch (error) {
      progress(`storage (PostgreSQL): could not drop schema ${schema}: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Start-up times over `starts` server starts, then memory and `repeats` HTTP load rounds on the last. */
export async function serverPhase(
  settings: BenchSettings,
  cleanup: Cleanup,
  root: string,
  cores: number,
  more: (round: number) => boolean,
): Promise<ServerFigures> {
  const httpDir = join(cleanup.tempDir('http'), 'data');
  progress(`http: preparing ${httpDir}`);
  const fixture = await createFixture(httpDir, settings.principals);
  let tokens: string[];
  try {
    tokens = await createTokens(fixture.node, fixture.writers);
  } finally {
    await fixture.node.close();
  }
  const figures: ServerFigures = {
    startupMs: [],
    healthzMs: [],
    idleRssKb: null,
    loadedRssKb: null,
    http: [],
  };
  for (let i = 0; i < settings.starts; i += 1) {
    const server = await startParley(cleanup, root, httpDir);
    figures.startupMs.push(server.readyMs);
    figures.healthzMs.push(server.firstHealthzMs);
    progress(
      `start-up ${i + 1}/${settings.starts}: listening after ${server.readyMs.toFixed(0)} ms, /healthz after ${server.firstHealthzMs.toFixed(0)} ms`,
    );
    try {
      if (i < settings.starts - 1) continue;
      // A few requests of each common kind, then let it settle before reading its memory.
      const token = tokens[0]!;
      for (let k = 0; k < 3; k += 1) {
        const checks = [
          await call(server.port, 'GET', '/healthz'),
          await call(server.port, 'GET', '/api/v1/channels', { token }),
          await call(server.port, 'POST', `/api/v1/channels/${fixture.channel}/entries`, {
            token,
            body: { kind: 'note', precedence: 'ROUTINE', body: { text: `warm-up ${k}` } },
          }),
          await call(server.port, 'GET', `/api/v1/channels/${fixture.channel}/entries?limit=10`, { token }),
        ];
        const bad = checks.find((c) => c.status >= 300);
        if (bad) throw new Error(`server answered ${bad.status}: ${bad.body.slice(0, 300)}`);
      }
      await sleep(1000);
      figures.idleRssKb = processMemoryKb(server.pid)?.rss ?? null;
      progress(`memory: idle server VmRSS ${((figures.idleRssKb ?? Number.NaN) / 1024).toFixed(1)} MiB`);
      figures.http = await rounds<HttpLoadResult>(
        settings.repeats,
        async (of) => {
          progress(
            `http${of}: ${settings.httpClients} keep-alive clients posting notes for ${settings.seconds}s (${cores} cores shared with the server)`,
          );
          const http = await runHttpLoad(
            server,
            fixture.channel,
            tokens,
            settings.httpClients,
            settings.seconds,
          );
          progress(
            `http${of}: ${http.rate.toFixed(0)} req/s, p50 ${http.latencyP50Ms.toFixed(1)} ms, p99 ${http.latencyP99Ms.toFixed(1)} ms; server ${http.serverCpuCores?.toFixed(2) ?? '?'} cores, load generator ${http.clientCpuCores.toFixed(2)} cores`,
          );
          return http;
        },
        more,
      );
      figures.loadedRssKb = processMemoryKb(server.pid)?.rss ?? null;
    } finally {
      await server.stop();
    }
  }
  return figures;
}
