/**
 * Figures of a real `parley serve` process: spawn-to-listening and spawn-to-first-/healthz
 * times, resident memory when idle, and appends per second through the HTTP API with many
 * concurrent keep-alive clients (node:http; the load generator runs in this process and shares
 * the machine's cores with the server). Everything binds to 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NOTE_TEXT } from './fixture.js';
import { type Cleanup, processCpuSeconds, progress, quantile, ticker } from './util.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** performance.now() just before spawn. */
  spawnedAt: number;
  /** Milliseconds from spawn to the line matching the ready pattern. */
  readyMs: number;
  /** The first capture group of the ready pattern. */
  captured: string;
  stop(): Promise<void>;
}

/** Spawns `command args` and resolves once a stdout line matches `ready`. */
export async function spawnUntilReady(
  cleanup: Cleanup,
  args: string[],
  ready: RegExp,
  timeoutMs = START_TIMEOUT_MS,
  env: Record<string, string> = {},
): Promise<Spawned> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  cleanup.track(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 10_000) stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    const { readyMs, captured } = await new Promise<{ readyMs: number; captured: string }>(
      (resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${args.join(' ')}: not ready after ${timeoutMs} ms\n${stderr}`)),
          timeoutMs,
        );
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${args.join(' ')}: exited (${code ?? signal}) before it was ready\n${stderr}`));
        });
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const match = ready.exec(line);
          if (match) {
            clearTimeout(timer);
            resolve({ readyMs: performance.now() - spawnedAt, captured: match[1] ?? '' });
          }
        });
      },
    );
    return { child, pid: child.pid!, spawnedAt, readyMs, captured, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface ParleyServer extends Spawned {
  port: number;
  /** Milliseconds from spawn to the end of the first /healthz answer (asked as soon as it listens). */
  firstHealthzMs: number;
}

/**
 * Node flags for a server process: BENCH_SERVER_CPU_PROF_DIR=<dir> writes a V8 CPU profile of
 * every server process the bench starts (on a clean exit: a process killed with SIGKILL writes none).
 */
export function profileArgs(): string[] {
  const profileDir = process.env.BENCH_SERVER_CPU_PROF_DIR;
  return profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
}

/** Starts `node bin/parley.js serve` on a free port of 127.0.0.1 and asks /healthz once. */
export async function startParley(cleanup: Cleanup, root: string, dataDir: string): Promise<ParleyServer> {
  const args = [
    ...profileArgs(),
    join(root, 'bin/parley.js'),
    'serve',
    '--data-dir',
    dataDir,
    '--host',
    HOST,
    '--port',
    '0',
    '--log-level',
    'warn',
  ];
  const spawned = await spawnUntilReady(
    cleanup,
    args,
    /^parley: listening on http:\/\/127\.0\.0\.1:(\d+)/,
    START_TIMEOUT_MS,
    {
      PARLEY_METRICS_TOKEN: METRICS_TOKEN,
    },
  );
  const port = Number(spawned.captured);
  try {
    const health = await call(port, 'GET', '/healthz');
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}: ${health.body}`);
    return { ...spawned, port, firstHealthzMs: performance.now() - spawned.spawnedAt };
  } catch (error) {
    await spawned.stop();
    throw error;
  }
}

/** One request on a fresh connection (or `agent`); resolves with status and body text. */
export function call(
  port: number,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; agent?: Agent } = {},
): Promise<{ status: number; body: string }> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, method, path, headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface HttpLoadResult {
  clients: number;
  requests: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  rate: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** CPU of the server process during the window, in cores. */
  serverCpuCores: number | null;
  /** CPU of this process (the load generator) during the window, in cores. */
  clientCpuCores: number;
  /** Group commits of the server during the window and entries per commit, from /metrics. */
  serverCommits: number | null;
  serverEntriesPerCommit: number | null;
}

/** Opens /metrics of the benchmarked server, which is not public (README "Security"). */
const METRICS_TOKEN = 'bench-metrics-token';

/** The server's appender counters, read from its Prometheus /metrics. */
async function appenderCounters(port: number): Promise<{ committed: number; batches: number } | null> {
  const { status, body } = await call(port, 'GET', '/metrics', { token: METRICS_TOKEN });
  if (status !== 200) return null;
  const value = (name: string): number => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(body)?.[1]);
  const committed = value('parley_entries_committed_total');
  const batches = value('parley_commit_batches_total');
  return Number.isFinite(committed) && Number.isFinite(batches) ? { committed, batches } : null;
}

/**
 * `clients` keep-alive connections, each posting a note and awaiting the answer in turn for
 * `seconds` (after a short warm-up); tokens are spread over the clients.
 */
export async function runHttpLoad(
  server: ParleyServer,
  channel: string,
  tokens: string[],
  clients: number,
  seconds: number,
): Promise<HttpLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
  const path = `/api/v1/channels/${channel}/entries`;
  const payload = JSON.stringify({ kind: 'note', precedence: 'ROUTINE', body: { text: NOTE_TEXT } });
  const length = String(Buffer.byteLength(payload));
  let errors = 0;
  let firstError: string | null = null;

  const post = (token: string): Promise<number> =>
    new Promise((resolve) => {
      const req = request(
        {
          host: HOST,
          port: server.port,
          method: 'POST',
          path,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': length,
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status !== 201) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              firstError ??= `HTTP ${status}: ${Buffer.concat(chunks).toString().slice(0, 300)}`;
              resolve(status);
            });
          } else {
            res.resume();
            res.on('end', () => resolve(status));
          }
        },
      );
      req.on('error', (error) => {
        firstError ??= error.message;
        resolve(0);
      });
      req.end(payload);
    });

  const run = async (windowSeconds: number, onDone: (ms: number, ok: boolean) => void): Promise<void> => {
    const end = performance.now() + windowSeconds * 1000;
    const client = async (token: string): Promise<void> => {
      while (performance.now() < end) {
        const started = performance.now();
        const status = await post(token);
        onDone(performance.now() - started, status === 201);
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, i) => client(tokens[i % tokens.length]!)));
  };

  try {
    await run(Math.min(1, seconds / 5), () => {});
    errors = 0;
    firstError = null;
    const latencies: number[] = [];
    const stop = ticker('http', 'requests', () => latencies.length + errors);
    const counters0 = await appenderCounters(server.port);
    const serverCpu0 = processCpuSeconds(server.pid);
    const clientCpu0 = process.cpuUsage();
    const started = performance.now();
    try {
      await run(seconds, (ms, ok) => {
        if (ok) latencies.push(ms);
        else errors += 1;
      });
    } finally {
      stop();
    }
    const elapsed = (performance.now() - started) / 1000;
    const serverCpu1 = processCpuSeconds(server.pid);
    const clientCpu = process.cpuUsage(clientCpu0);
    const counters1 = await appenderCounters(server.port);
    const commits = counters0 && counters1 ? counters1.batches - counters0.batches : null;
    latencies.sort((a, b) => a - b);
    if (errors > 0) progress(`http: ${errors} failed requests; first: ${firstError}`);
    return {
      clients,
      requests: latencies.length,
      errors,
      firstError,
      seconds: elapsed,
      rate: latencies.length / elapsed,
      latencyP50Ms: quantile(latencies, 0.5),
      latencyP99Ms: quantile(latencies, 0.99),
      latencyMaxMs: latencies.at(-1) ?? Number.NaN,
      serverCpuCores: serverCpu0 !== null && serverCpu1 !== null ? (serverCpu1 - serverCpu0) / elapsed : null,
      clientCpuCores: (clientCpu.user + clientCpu.system) / 1e6 / elapsed,
      serverCommits: commits,
      serverEntriesPerCommit:
        counters0 && counters1 && commits ? (counters1.committed - counters0.committed) / commits : null,
    };
  } finally {
    agent.destroy();
  }
}
