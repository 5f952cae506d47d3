/**
 * The demo's node processes: each party's node runs as its own `parley serve` child process on
 * loopback. Every child is tracked so it is stopped on success, on failure, on Ctrl-C and even
 * when this process exits unexpectedly (SIGKILL from the 'exit' handler as a last resort).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { operationRequest, type ArgList, type Response } from '../api-client.js';
import type { CliOperation } from '../api-operations.js';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 20_000;

export interface NodeProcess {
  party: string;
  dataDir: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** What the process wrote to stderr so far (last LOG_LIMIT characters). */
  log(): string;
  /** Called with each stderr line from now on (replaces the buffer-only behaviour). */
  onLine(listener: ((line: string) => void) | null): void;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (the node commits what is queued and closes its database), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export class ProcessGroup {
  private readonly children = new Set<ChildProcess>();
  private readonly onExit = (): void => this.killAllSync();

  constructor() {
    process.on('exit', this.onExit);
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  get size(): number {
    return this.children.size;
  }

  /** Stops every child cleanly (SIGTERM), SIGKILL for any still alive after the grace period. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => stopChild(child)));
  }

  killAllSync(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.children.clear();
  }

  dispose(): void {
    process.off('exit', this.onExit);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts `parley serve` for one data dir and resolves once it prints its URL. */
export async function spawnNode(
  group: ProcessGroup,
  options: {
    cli: string;
    party: string;
    dataDir: string;
    host: string;
    port: number;
    env?: Record<string, string>;
  },
): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      options.cli,
      'serve',
      '--data-dir',
      options.dataDir,
      '--host',
      options.host,
      '--port',
      String(options.port),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  group.track(child);
  let log = '';
  let listener: ((line: string) => void) | null = null;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    log = (log + line + '\n').slice(-LOG_LIMIT);
    listener?.(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`the ${options.party} node did not start within ${START_TIMEOUT_MS} ms\n${log}`)),
        START_TIMEOUT_MS,
      );
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        // Give the stderr reader a moment to collect the last lines.
        setTimeout(
          () =>
            reject(
              new Error(
                `the ${options.party} node exited (${code ?? signal}) before it listened` +
                  (options.port !== 0 ? ` (is port ${options.port} in use? try --port 0)` : '') +
                  `\n${log.trim()}`,
              ),
            ),
          50,
        );
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    return {
      party: options.party,
      dataDir: options.dataDir,
      url,
      pid: child.pid!,
      child,
      log: () => log,
      onLine: (next) => (listener = next),
      exited,
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Runs the CLI to completion; rejects with its stderr when it fails. */
export function runCli(cli: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`parley ${args.join(' ')} failed (${code}): ${stderr.trim()}`));
    });
  });
}

/** Calls a node's API with a bearer token; throws on a non-2xx answer with the node's message. */
export async function callApi<K extends CliOperation>(
  url: string,
  token: string,
  op: K,
  ...args: ArgList<K>
): Promise<Response<K>> {
  const { status, body: answer } = await tryApi(url, token, op, ...args);
  if (status < 200 || status >= 300) {
    const { method, path } = operationRequest(op, args[0]);
    const message = (answer as { error?: { message?: string } } | null)?.error?.message;
    throw new Error(`${method} ${url}${path}: HTTP ${status}${message ? `: ${message}` : ''}`);
  }
  return answer;
}

/** Calls a node's API and answers with the status, whatever it is (e.g. 404 until replicated). */
export async function tryApi<K extends CliOperation>(
  url: string,
  token: string,
  op: K,
  ...[args]: ArgList<K>
): Promise<{ status: number; body: Response<K> }> {
  const { method, path, body } = operationRequest(op, args);
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Response<K> };
}

/** Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
