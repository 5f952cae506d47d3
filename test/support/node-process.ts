/**
 * Starts real `parley` processes for integration tests (the compiled CLI, as a user runs it) and
 * prepares data directories through the same node code the CLI uses.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { LOCAL_OPERATOR } from '../../src/cli/local-node.js';
import { initNode } from '../../src/workflows/open-node.js';
import type { Role } from '../../src/storage/storage.js';
import { createChannel } from '../../src/workflows/channels/commands.js';
import { addOffice, addPrincipal } from '../../src/workflows/directory/commands.js';
import { signingToken } from './unlocked.js';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(PROJECT_ROOT, 'bin/parley.js');
export const PASSWORD = 'correct horse battery staple';

/** A free loopback port (for a node whose URL must be known before it starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function tempDir(prefix = 'parley-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string, timeoutMs = 60_000) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input,
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI without blocking this process (which may serve the node the CLI talks to). */
export function runCliAsync(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (its log). */
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** The metrics token of nodes started by the tests (/metrics needs it: README "Security"). */
export const TEST_METRICS_TOKEN = 'test-metrics-token';
export const METRICS_AUTH = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };

/** Starts `parley serve` on a free port (or `port`) and resolves once it listens. */
export async function startServe(
  dataDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
  port = 0,
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn', ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PARLEY_REPLICATION_POLL_MS: '200',
        PARLEY_RETRY_MAX_MS: '1000',
        PARLEY_METRICS_TOKEN: TEST_METRICS_TOKEN,
        ...env,
      },
    },
  );
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (https?:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    child,
    output: () => stdout + stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Fixture {
  dataDir: string;
  tokens: Record<string, string>;
}

/**
 * A node for party RU with offices `svr` and `president`, and users: `svr-head` (head, svr),
 * `svr-duty` (duty-officer, svr), `svr-observer` (observer, svr), `pres-head` (head, president);
 * channel `intel` (svr; ru, en) and `leaders` (president). An API token per user.
 */
export async function prepareNode(dataDir = tempDir()): Promise<Fixture> {
  const node = await initNode({
    dataDir,
    party: 'RU',
    partyName: 'Russian Federation',
    adminId: 'admin',
    adminPassword: PASSWORD,
  });
  try {
    await addOffice(node, LOCAL_OPERATOR, { id: 'svr', name: 'Foreign Intelligence Service' });
    await addOffice(node, LOCAL_OPERATOR, { id: 'president', name: 'Office of the President' });
    const users: Array<[string, string, Role]> = [
      ['svr-head', 'svr', 'head'],
      ['svr-duty', 'svr', 'duty-officer'],
      ['svr-observer', 'svr', 'observer'],
      ['pres-head', 'president', 'head'],
    ];
    await createChannel(node, LOCAL_OPERATOR, {
      id: 'intel',
      name: 'Intelligence',
      offices: ['svr'],
      languages: ['ru', 'en'],
    });
    await createChannel(node, LOCAL_OPERATOR, {
      id: 'leaders',
      name: 'Leaders',
      offices: ['president'],
      languages: ['en', 'ru'],
    });
    const tokens: Record<string, string> = {};
    for (const [id, office, role] of users) {
      await addPrincipal(node, LOCAL_OPERATOR, { id, office, role, title: id, password: PASSWORD });
    }
    // Each token unlocks its person's key (a scrypt); the hashing slots run them side by side.
    const ids = ['admin', ...users.map((u) => u[0])];
    const issued = await Promise.all(ids.map((id) => signingToken(node.storage, id)));
    ids.forEach((id, i) => (tokens[id] = issued[i]!));
    return { dataDir, tokens };
  } finally {
    await node.close();
  }
}

let preparedTemplate: Promise<Fixture> | null = null;

/**
 * A byte copy of one prepareNode node made once per test file, in a fresh owner-only directory:
 * for tests that need another separate node of that shape but not one of its own identity (the
 * copies share the node key, the people and the tokens). Saves the fixture's password hashing.
 */
export async function copyOfPreparedNode(): Promise<Fixture> {
  preparedTemplate ??= prepareNode();
  const { dataDir, tokens } = await preparedTemplate;
  const copy = tempDir();
  cpSync(dataDir, copy, { recursive: true });
  return { dataDir: copy, tokens: { ...tokens } };
}

export interface PartyNode {
  party: string;
  dataDir: string;
  url: string;
  serve: ServeProcess;
  fingerprint: string;
  /** API token per user id. */
  tokens: Record<string, string>;
  /** Restarts the node on the same port (after stop or kill9). */
  restart(): Promise<void>;
}

/**
 * Creates a node for `party` with one office `<party>-ops` (lower case), users `<p>-head` (head)
 * and `<p>-duty` (duty-officer), tokens for both and admin, and starts it.
 */
/**
 * A fresh node for `party` with office `<party>-ops`, its head `<party>-head` and duty officer
 * `<party>-duty`, and an API token for each (and for `admin`); in SQLite, or in the PostgreSQL
 * schema `databaseUrl` names.
 */
export async function initParty(
  party: string,
  options: { databaseUrl?: string } = {},
): Promise<{ dataDir: string; tokens: Record<string, string> }> {
  const lower = party.toLowerCase();
  const dataDir = join(tempDir(`parley-${lower}-`), 'node');
  const node = await initNode({
    dataDir,
    party,
    partyName: `Party ${party}`,
    adminId: 'admin',
    adminPassword: PASSWORD,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const tokens: Record<string, string> = {};
  try {
    await addOffice(node, LOCAL_OPERATOR, { id: `${lower}-ops`, name: `${party} operations` });
    for (const [id, role] of [
      [`${lower}-head`, 'head'],
      [`${lower}-duty`, 'duty-officer'],
    ] as const) {
      await addPrincipal(node, LOCAL_OPERATOR, {
        id,
        office: `${lower}-ops`,
        role,
        title: id,
        password: PASSWORD,
      });
    }
    const ids = ['admin', `${lower}-head`, `${lower}-duty`];
    const issued = await Promise.all(ids.map((id) => signingToken(node.storage, id)));
    ids.forEach((id, i) => (tokens[id] = issued[i]!));
  } finally {
    await node.close();
  }
  return { dataDir, tokens };
}

export async function startParty(
  party: string,
  env: Record<string, string> = {},
  serveArgs: string[] = [],
): Promise<PartyNode> {
  const { dataDir, tokens } = await initParty(party);
  const fingerprint = JSON.parse(runCli(['peer', 'self', '--data-dir', dataDir, '--json']).stdout)
    .fingerprint as string;
  const serve = await startServe(dataDir, serveArgs, env);
  const result: PartyNode = {
    party,
    dataDir,
    url: serve.url,
    serve,
    fingerprint,
    tokens,
    async restart() {
      const port = Number(new URL(result.url).port);
      result.serve = await startServe(dataDir, serveArgs, env, port);
    },
  };
  return result;
}

/**
 * Pins each node's key at the other (as operators do after exchanging fingerprints).
 * `extraArgs` adds flags to each `peer add`, e.g. the other node's `--tls-ca`.
 */
export function peerUp(
  a: PartyNode,
  b: PartyNode,
  extraArgs: (other: PartyNode) => string[] = () => [],
): void {
  for (const [self, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const result = runCli([
      'peer',
      'add',
      other.url,
      '--party',
      other.party,
      '--fingerprint',
      other.fingerprint,
      ...extraArgs(other),
      '--data-dir',
      self.dataDir,
    ]);
    if (result.status !== 0) throw new Error(`peer add failed: ${result.stderr}`);
  }
}

/**
 * Has `a` propose a channel between the `<party>-ops` offices of both parties and `b` accept it;
 * resolves once the channel is active at `a`.
 */
export async function openChannel(
  a: Pick<PartyNode, 'party' | 'url' | 'tokens'>,
  b: Pick<PartyNode, 'party' | 'url' | 'tokens'>,
  options: { id?: string; languages?: string[] } = {},
): Promise<void> {
  const id = options.id ?? 'intel';
  const created = await api(a, 'admin', 'POST', '/api/v1/channels', {
    id,
    name: 'Intelligence services',
    offices: [`${a.party.toLowerCase()}-ops`],
    peers: { [b.party]: [`${b.party.toLowerCase()}-ops`] },
    languages: options.languages ?? ['ru', 'en'],
  });
  if (created.status !== 201) throw new Error(`channel ${id} not created: ${JSON.stringify(created.body)}`);
  await eventually(
    async () => (await api(b, 'admin', 'GET', `/api/v1/channels/${id}`)).status === 200,
    20_000,
    `proposal of ${id} at ${b.party}`,
  );
  const accepted = await api(b, 'admin', 'POST', `/api/v1/channels/${id}/accept`);
  if (accepted.status !== 200)
    throw new Error(`channel ${id} not accepted: ${JSON.stringify(accepted.body)}`);
  await eventually(
    async () =>
      (await api<{ state: string }>(a, 'admin', 'GET', `/api/v1/channels/${id}`)).body.state === 'active',
    20_000,
    `${id} active at ${a.party}`,
  );
}

/** Calls a node's API as a user. */
export async function api<T = Record<string, unknown>>(
  node: Pick<PartyNode, 'url' | 'tokens'>,
  user: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${node.tokens[user]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
