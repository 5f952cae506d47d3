/**
 * The load-balancer example of docs/deploy.md, run as it is: Debian's HAProxy with
 * docs/haproxy.cfg in front of two `parley serve` processes of one node on one PostgreSQL
 * database. API requests and a live stream (SSE) pass through it; when one process is killed
 * (`kill -9`), the health check takes it out within a bounded time, every request still
 * succeeds, and a client that reconnects with Last-Event-ID gets what it missed.
 *
 * Needs PostgreSQL and /usr/sbin/haproxy: skipped without them, failing in CI (CI=true).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  IN_CI,
  dropSchemas,
  skipWithoutPostgres,
  uniqueSchema,
  urlWithSchema,
} from '../src/storage/postgres/test-support/postgres-server.js';
import {
  PASSWORD,
  PROJECT_ROOT,
  api,
  eventually,
  runCli,
  startServe,
  tempDir,
  type ServeProcess,
} from './support/node-process.js';
import { streamEvents } from './support/event-stream.js';

const HAPROXY = '/usr/sbin/haproxy';
const noHaproxy = !existsSync(HAPROXY);
if (noHaproxy) {
  process.stderr.write(
    IN_CI
      ? `${HAPROXY} is missing; CI requires it (apt-get install haproxy)\n`
      : `skipping the load balancer test: no ${HAPROXY} (apt-get install haproxy)\n`,
  );
}
const skip = (await skipWithoutPostgres('the load balancer test')) || (noHaproxy && !IN_CI);

/** How long the health check (inter 1s, fall 2) may take to take a dead process out. */
const TAKEN_OUT_WITHIN_MS = 6000;

function cli(args: string[], env: Record<string, string> = {}): string {
  const result = runCli(args, { PARLEY_DATABASE_URL: '', ...env });
  if (result.status !== 0) throw new Error(`parley ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function hostPort(url: string): string {
  return new URL(url).host;
}

/** An SSE client: collects `entry` events (id = cursor) until stopped. */
function openStream(url: string, token: string, lastEventId?: number) {
  const controller = new AbortController();
  const cursors: number[] = [];
  let ended = false;
  const connected = (async () => {
    const response = await fetch(`${url}/api/v1/channels/intel/events`, {
      headers: {
        authorization: `Bearer ${token}`,
        ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
      },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return response;
  })();
  const reading = (async () => {
    try {
      for await (const event of streamEvents((await connected).body!))
        if (event.event === 'entry' && event.id !== null) cursors.push(event.id);
    } catch (error) {
      if ((error as Error).name !== 'AbortError' && !/terminated|other side closed/i.test(String(error)))
        throw error;
    } finally {
      ended = true;
    }
  })();
  return {
    cursors,
    connected,
    ended: () => ended,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

/** The status HAProxy's stats CSV gives each server of the backend (UP, DOWN, …). */
async function serverStatus(statsUrl: string): Promise<Record<string, string>> {
  const csv = await (await fetch(`${statsUrl}/stats;csv`)).text();
  const lines = csv.split('\n');
  const header = lines[0]!.replace(/^# /, '').split(',');
  const [px, sv, status] = ['pxname', 'svname', 'status'].map((c) => header.indexOf(c));
  const result: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (cells[px!] === 'parley_node' && /^node\d$/.test(cells[sv!] ?? ''))
      result[cells[sv!]!] = cells[status!]!;
  }
  return result;
}

describe.skipIf(skip)('two node processes behind HAProxy (docs/haproxy.cfg)', () => {
  const schema = uniqueSchema('parley_lb');
  const processes: ServeProcess[] = [];
  let haproxy: ChildProcess | null = null;
  let haproxyLog = '';

  afterAll(async () => {
    if (haproxy && haproxy.exitCode === null) {
      const exited = new Promise((r) => haproxy!.once('exit', r));
      haproxy.kill('SIGTERM');
      await exited;
    }
    await Promise.all(processes.map((p) => p.stop()));
    await dropSchemas([schema]);
  });

  it('passes API requests and live streams through, and takes a killed process out', async () => {
    const dataDir = join(tempDir(), 'node');
    cli(
      [
        'init',
        '--data-dir',
        dataDir,
        '--party',
        'RU',
        '--name',
        'R',
        '--database-url',
        urlWithSchema(schema),
      ],
      {
        PARLEY_ADMIN_PASSWORD: PASSWORD,
      },
    );
    cli(['office', 'add', 'svr', 'Foreign Intelligence Service', '--data-dir', dataDir]);
    cli(['user', 'add', 'svr-head', '--office', 'svr', '--role', 'head', '--data-dir', dataDir], {
      PARLEY_PASSWORD: PASSWORD,
    });
    cli([
      'channel',
      'create',
      'intel',
      '--name',
      'I',
      '--offices',
      'svr',
      '--languages',
      'en',
      '--data-dir',
      dataDir,
    ]);
    // Made with the person's own password, so the token carries the unlocked signing key.
    const { token } = JSON.parse(
      cli(['token', 'create', 'svr-head', '--data-dir', dataDir, '--json'], { PARLEY_PASSWORD: PASSWORD }),
    ) as {
      token: string;
    };
    const env = { PARLEY_TRUST_PROXY: '1' };
    const [one, two] = await Promise.all([startServe(dataDir, [], env), startServe(dataDir, [], env)]);
    processes.push(one!, two!);

    const [lbPort, statsPort] = [await freePort(), await freePort()];
    haproxy = spawn(HAPROXY, ['-db', '-f', join(PROJECT_ROOT, 'docs/haproxy.cfg')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PARLEY_LB_BIND: `127.0.0.1:${lbPort}`,
        PARLEY_LB_STATS_BIND: `127.0.0.1:${statsPort}`,
        PARLEY_BACKEND_1: hostPort(one!.url),
        PARLEY_BACKEND_2: hostPort(two!.url),
      },
    });
    haproxy.stdout!.on('data', (chunk: Buffer) => (haproxyLog += chunk.toString()));
    haproxy.stderr!.on('data', (chunk: Buffer) => (haproxyLog += chunk.toString()));
    const lb = `http://127.0.0.1:${lbPort}`;
    const stats = `http://127.0.0.1:${statsPort}`;
    const node = { url: lb, tokens: { head: token } };
    await eventually(
      async () => {
        const status = await serverStatus(stats).catch(() => ({}) as Record<string, string>);
        return status.node1 === 'UP' && status.node2 === 'UP';
      },
      15_000,
      `both processes UP behind HAProxy (${haproxyLog})`,
    );

    const health = await fetch(`${lb}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', party: 'RU' });

    const post = async (text: string): Promise<void> => {
      const response = await api(node, 'head', 'POST', '/api/v1/channels/intel/entries', {
        kind: 'note',
        body: { text },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    };

    // A live stream through the proxy sees what is written through the proxy (by either process).
    const first = openStream(lb, token);
    await first.connected;
    for (let i = 0; i < 10; i += 1) await post(`through the proxy ${i}`);
    // The channel's charter and key publication, then the ten notes.
    await eventually(async () => first.cursors.length >= 12, 20_000, 'ten notes on the live stream');
    const seen = first.cursors.at(-1)!;

    // Kill one process: the health check takes it out, and requests keep succeeding.
    const killedAt = Date.now();
    await one!.kill9();
    await eventually(
      async () => {
        const status = await serverStatus(stats);
        return status.node1?.startsWith('DOWN') && status.node2 === 'UP';
      },
      TAKEN_OUT_WITHIN_MS,
      'the killed process taken out by the health check',
    );
    const takenOutMs = Date.now() - killedAt;
    expect(takenOutMs).toBeLessThan(TAKEN_OUT_WITHIN_MS);
    for (let i = 0; i < 10; i += 1) await post(`after the kill ${i}`);
    for (let i = 0; i < 10; i += 1) expect((await fetch(`${lb}/healthz`)).status).toBe(200);

    // A client (whichever process its stream was on) resumes after the last event it saw.
    await first.close();
    const resumed = openStream(lb, token, seen);
    await resumed.connected;
    await eventually(async () => resumed.cursors.length >= 10, 20_000, 'the notes written after the kill');
    expect(resumed.cursors.every((c) => c > seen)).toBe(true);
    await resumed.close();

    // Restarted on its port, the process is taken back in.
    processes.push(await startServe(dataDir, [], env, Number(new URL(one!.url).port)));
    await eventually(
      async () => (await serverStatus(stats)).node1 === 'UP',
      15_000,
      'the restarted process UP',
    );
    const verify = runCli(['verify', '--data-dir', dataDir, '--json'], { PARLEY_DATABASE_URL: '' });
    expect(verify.status, verify.stdout).toBe(0);
  }, 180_000);
});
