/**
 * Web app figures, measured in a real browser (Debian chromium, headless, via playwright-core)
 * against two federated `parley serve` processes (parties WEBA and WEBB) on loopback:
 *
 * 1. First render of the channel list: from navigation start until the first channel card is
 *    in the DOM (the page's own performance clock), median of `renders` loads.
 * 2. First render of a 10,000-entry timeline (a channel of A only): from navigation start until
 *    the first rows are in the DOM, and until every entry is loaded, median of `renders` loads.
 * 3. Shipped JS and CSS: the sum of the gzip sizes of dist/web/assets.
 * 4. Cross-node appearance latency: a note is accepted by A's API (the 201 arrives), then timed
 *    until its row is in the DOM of a browser signed in to B and showing the channel (live
 *    updates, no reload); `samples` notes one at a time, p50/p95/max.
 *
 * `runWebBench` is called from bench/run.ts; it tracks its processes in `cleanup`.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LOCAL_OPERATOR } from '../src/cli/local-node.js';
import { initNode } from '../src/workflows/open-node.js';
import { BENCH_PASSWORD, benchToken, noteDraft, unlocked } from './fixture.js';
import type { EntryDraft } from '../src/node/appender.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import type { Principal } from '../src/storage/storage.js';
import { createChannel } from '../src/workflows/channels/commands.js';
import { call, spawnUntilReady } from './http-bench.js';
import { row, type Section } from './report.js';
import { type Cleanup, median, progress, quantile, sleep } from './util.js';
import { addOffice, addPrincipal } from '../src/workflows/directory/commands.js';

const HOST = '127.0.0.1';
const NODE_ENV = { PARLEY_REPLICATION_POLL_MS: '200', PARLEY_RETRY_MAX_MS: '500' };
const execFileAsync = promisify(execFile);

export interface WebBenchOptions {
  root: string;
  /** Chromium to drive (default PARLEY_CHROMIUM, else /usr/bin/chromium). */
  chromium?: string;
  /** Cross-node samples per round (default 30). */
  samples?: number;
  /** Rounds of the cross-node appearance measurement (default 1). */
  rounds?: number;
  /** Whether round `round` (from 2 on) still fits the run's time budget. */
  more?: (round: number) => boolean;
  /** The phase ends with an error once this is spent (checked between steps; default 600). */
  limitSeconds?: number;
  /** Entries in the timeline whose first render is timed (default 10,000). */
  timelineEntries?: number;
  /** Page loads per render figure (default 5). */
  renders?: number;
}

/** Render times hold one value per page load; `crossNode` one entry per round. */
export interface WebBenchResult {
  channelListMs: number[];
  timelineEntries: number;
  timelineFirstRowsMs: number[];
  timelineAllLoadedMs: number[];
  jsGzipBytes: number;
  cssGzipBytes: number;
  assetsGzipBytes: number;
  crossNode: Array<{ samples: number; p50: number; p95: number; max: number }>;
}

interface Side {
  party: string;
  office: string;
  dataDir: string;
  fingerprint: string;
  token: string;
  adminToken: string;
  port: number;
  url: string;
  /** Stops the side's server (a no-op until it runs). */
  stop: () => Promise<void>;
}

/**
 * A node with an office, a duty officer and API tokens; with `bulkEntries` > 0 also a channel
 * of its own office only ('bulk') holding that many notes, appended in-process before the
 * server starts (through HTTP this set-up took minutes on a busy machine).
 */
async function prepare(cleanup: Cleanup, party: string, bulkEntries = 0): Promise<Side> {
  const office = `${party.toLowerCase()}-ops`;
  const dataDir = join(cleanup.tempDir(`web-${party.toLowerCase()}`), 'node');
  const node = await initNode({
    dataDir,
    party,
    partyName: `Bench party ${party}`,
    adminId: 'admin',
    adminPassword: BENCH_PASSWORD,
  });
  try {
    await addOffice(node, LOCAL_OPERATOR, { id: office, name: 'Operations' });
    const duty = await addPrincipal(node, LOCAL_OPERATOR, {
      id: 'duty',
      office,
      role: 'duty-officer',
      title: 'Duty officer',
      password: BENCH_PASSWORD,
    });
    if (bulkEntries > 0) {
      await createChannel(node, LOCAL_OPERATOR, {
        id: 'bulk',
        name: 'Bulk channel',
        offices: [office],
        languages: ['en'],
      });
      await fillBulk(node, await unlocked(duty), bulkEntries);
    }
    const tokens: string[] = [];
    for (const id of ['duty', 'admin']) tokens.push(await benchToken(node, id));
    return {
      party,
      office,
      dataDir,
      fingerprint: node.fingerprint,
      token: tokens[0]!,
      adminToken: tokens[1]!,
      port: 0,
      url: '',
      stop: async () => {},
    };
  } finally {
    await node.close();
  }
}

async function serve(cleanup: Cleanup, root: string, side: Side): Promise<void> {
  const args = [join(root, 'bin/parley.js'), 'serve', '--data-dir', side.dataDir, '--host', HOST];
  const server = await spawnUntilReady(
    cleanup,
    [...args, '--port', '0', '--log-level', 'error'],
    /^parley: listening on http:\/\/127\.0\.0\.1:(\d+)/,
    20_000,
    NODE_ENV,
  );
  side.port = Number(server.captured);
  side.url = `http://${HOST}:${side.port}`;
  side.stop = server.stop;
}

async function json<T>(side: Side, token: string, method: string, path: string, body?: unknown) {
  const answer = await call(side.port, method, path, { token, body });
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body}`);
  return (answer.body ? JSON.parse(answer.body) : null) as T;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`web bench: timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Appends `count` notes by `author` to the 'bulk' channel, 1000 per commit; 1 in 10 PRIORITY, 1 in 100 FLASH. */
async function fillBulk(node: ParleyNode, author: Principal, count: number): Promise<void> {
  const BATCH = 1000;
  for (let start = 1; start <= count; start += BATCH) {
    const drafts: EntryDraft[] = [];
    for (let i = start; i < Math.min(start + BATCH, count + 1); i += 1) {
      drafts.push({
        ...noteDraft('bulk', author, `Routine situation report number ${i}: nothing to add.`),
        precedence: i % 100 === 0 ? 'FLASH' : i % 10 === 0 ? 'PRIORITY' : 'ROUTINE',
        body: { subject: `Report ${i}`, text: `Routine situation report number ${i}: nothing to add.` },
      });
    }
    await node.appender.append(drafts);
  }
}

async function signIn(page: Page, side: Side): Promise<void> {
  await page.goto(`${side.url}/app/channels`);
  await page.getByLabel('User id').fill('duty');
  await page.getByLabel('Password', { exact: true }).fill(BENCH_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.topbar').waitFor({ timeout: 15_000 });
}

/** Milliseconds from navigation start of `url` until `selector` is in the DOM. */
async function timeToSelector(page: Page, url: string, selector: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector(selector, { timeout: 60_000 });
  return page.evaluate<number>('performance.now()');
}

export function gzipSizes(webDir: string): { js: number; css: number; total: number } {
  const sizes = { js: 0, css: 0, total: 0 };
  const assets = join(webDir, 'assets');
  for (const name of readdirSync(assets)) {
    const size = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
    if (name.endsWith('.js')) sizes.js += size;
    if (name.endsWith('.css')) sizes.css += size;
    sizes.total += size;
  }
  sizes.total += gzipSync(readFileSync(join(webDir, 'index.html')), { level: 9 }).length;
  return sizes;
}

export async function runWebBench(cleanup: Cleanup, options: WebBenchOptions): Promise<WebBenchResult> {
  const samples = options.samples ?? 30;
  const entries = options.timelineEntries ?? 10_000;
  const renders = options.renders ?? 5;
  const rounds = Math.max(1, options.rounds ?? 1);
  const chromiumPath = options.chromium ?? process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
  const sizes = gzipSizes(join(options.root, 'dist/web'));
  progress(
    `web: shipped assets ${(sizes.total / 1024).toFixed(1)} KiB gzip (JS ${(sizes.js / 1024).toFixed(1)})`,
  );

  const limitMs = (options.limitSeconds ?? 600) * 1000;
  const phaseEnd = performance.now() + limitMs;
  /** Between steps (each has its own time-out): past the phase's limit, end it with an error. */
  const inTime = (step: string): void => {
    if (performance.now() > phaseEnd) {
      throw new Error(`web: time limit of ${(limitMs / 1000).toFixed(0)}s reached before ${step}`);
    }
  };
  progress(`web: preparing two nodes, ${entries} notes in a channel of A`);
  const a = await prepare(cleanup, 'WEBA', entries);
  const b = await prepare(cleanup, 'WEBB');
  try {
    return await measure(a, b);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }

  async function measure(a: Side, b: Side): Promise<WebBenchResult> {
    inTime('starting the nodes');
    await Promise.all([serve(cleanup, options.root, a), serve(cleanup, options.root, b)]);
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      await execFileAsync(process.execPath, [
        join(options.root, 'bin/parley.js'),
        'peer',
        'add',
        other.url,
        '--party',
        other.party,
        '--fingerprint',
        other.fingerprint,
        '--data-dir',
        self.dataDir,
      ]);
    }
    await json(a, a.adminToken, 'POST', '/api/v1/channels', {
      id: 'live',
      name: 'Live channel',
      offices: [a.office],
      peers: { [b.party]: [b.office] },
      languages: ['en', 'ru'],
    });
    await until(
      async () =>
        (await call(b.port, 'GET', '/api/v1/channels/live', { token: b.adminToken })).status === 200,
      'the proposal at B',
    );
    await json(b, b.adminToken, 'POST', '/api/v1/channels/live/accept');
    await until(
      async () =>
        (await json<{ state: string }>(a, a.adminToken, 'GET', '/api/v1/channels/live')).state === 'active',
      'the channel to be active at A',
    );
    inTime('starting chromium');

    let browser: Browser | null = null;
    try {
      browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
      const pageA = await context.newPage();
      await signIn(pageA, a);
      const listTimes: number[] = [];
      const firstRows: number[] = [];
      const allLoaded: number[] = [];
      for (let i = 0; i < renders; i += 1) {
        inTime(`page load ${i + 1} of ${renders}`);
        listTimes.push(await timeToSelector(pageA, `${a.url}/app/channels`, '.channel-card'));
        firstRows.push(await timeToSelector(pageA, `${a.url}/app/channels/bulk`, '.entry-row'));
        await pageA.locator('.live-indicator.on').waitFor({ timeout: 60_000 });
        allLoaded.push(await pageA.evaluate<number>('performance.now()'));
      }
      progress(
        `web: channel list ${median(listTimes).toFixed(0)} ms; ${entries}-entry timeline first rows ${median(firstRows).toFixed(0)} ms, all loaded ${median(allLoaded).toFixed(0)} ms`,
      );

      const contextB = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
      const pageB = await contextB.newPage();
      await signIn(pageB, b);
      await pageB.goto(`${b.url}/app/channels/live`);
      await pageB.locator('.live-indicator.on').waitFor({ timeout: 20_000 });
      await pageB.evaluate(`(() => {
      window.__seen = {};
      new MutationObserver((records) => {
        const at = performance.timeOrigin + performance.now();
        for (const record of records)
          for (const node of record.addedNodes) {
            const row = node.querySelector ? node.querySelector('.entry-row[data-entry]') : null;
            if (row && !window.__seen[row.dataset.entry]) window.__seen[row.dataset.entry] = at;
          }
      }).observe(document.body, { childList: true, subtree: true });
    })()`);
      const crossNode: WebBenchResult['crossNode'] = [];
      for (let round = 1; round <= rounds && (options.more?.(round) ?? true); round += 1) {
        const of = rounds > 1 ? ` (round ${round}/${rounds})` : '';
        progress(`web${of}: ${samples} notes on A, each timed until visible in a browser on B`);
        const latencies: number[] = [];
        for (let n = 0; n < samples; n += 1) {
          inTime(`cross-node sample ${n + 1} of ${samples}`);
          const i = (round - 1) * samples + n;
          const entry = await json<{ id: string }>(a, a.token, 'POST', '/api/v1/channels/live/entries', {
            kind: 'note',
            precedence: 'FLASH',
            body: { text: `Latency probe ${i}` },
          });
          const acceptedAt = performance.timeOrigin + performance.now();
          const key = JSON.stringify(entry.id);
          // The observer in the page took the time; polling only waits for it (evaluate bypasses the CSP).
          let seenAt: number | null = null;
          const deadline = performance.now() + 20_000;
          while (seenAt === null) {
            seenAt = await pageB.evaluate<number | null>(`window.__seen[${key}] ?? null`);
            if (seenAt === null && performance.now() > deadline)
              throw new Error(`${entry.id} never appeared on B`);
            if (seenAt === null) await sleep(5);
          }
          latencies.push(seenAt - acceptedAt);
          await sleep(50);
        }
        latencies.sort((x, y) => x - y);
        const figures = {
          samples: latencies.length,
          p50: quantile(latencies, 0.5),
          p95: quantile(latencies, 0.95),
          max: latencies.at(-1) ?? Number.NaN,
        };
        progress(
          `web${of}: A API -> visible on B p50 ${figures.p50.toFixed(1)} ms, p95 ${figures.p95.toFixed(1)} ms`,
        );
        crossNode.push(figures);
      }
      return {
        channelListMs: listTimes,
        timelineEntries: entries,
        timelineFirstRowsMs: firstRows,
        timelineAllLoadedMs: allLoaded,
        jsGzipBytes: sizes.js,
        cssGzipBytes: sizes.css,
        assetsGzipBytes: sizes.total,
        crossNode,
      };
    } finally {
      await browser?.close();
    }
  }
}

/** The web app's rows for the bench table. */
export function webSection(result: WebBenchResult): Section {
  const rounds = result.crossNode;
  return {
    heading: 'Web app: headless chromium on loopback',
    notes: [
      `render times: navigation start until the first rows are in the DOM (page clock), median and min–max of ${result.channelListMs.length} loads`,
      `cross-node: note accepted by A's API (201) until its row is in the DOM of a browser on B (${rounds[0]?.samples ?? 0} samples${rounds.length > 1 ? ` in each of ${rounds.length} rounds` : ''})`,
    ],
    rows: [
      row('web: channel list first render', result.channelListMs, 'ms', { id: 'web.channel.list' }),
      row(`web: ${result.timelineEntries}-entry timeline first rows`, result.timelineFirstRowsMs, 'ms', {
        id: 'web.timeline.first.rows',
      }),
      row(`web: ${result.timelineEntries}-entry timeline fully loaded`, result.timelineAllLoadedMs, 'ms', {
        id: 'web.timeline.loaded',
      }),
      row('web: shipped JS, gzip', result.jsGzipBytes / 1024, 'KiB', {
        id: 'web.js.gzip',
        decimals: 1,
        target: '< 300 KiB (all assets)',
        pass: result.assetsGzipBytes < 300 * 1024,
      }),
      row('web: all shipped assets, gzip', result.assetsGzipBytes / 1024, 'KiB', {
        id: 'web.assets.gzip',
        decimals: 1,
      }),
      row(
        'web: A API -> visible in browser on B, p50',
        rounds.map((r) => r.p50),
        'ms',
        { id: 'web.cross.node.p50', decimals: 1 },
      ),
      row(
        'web: A API -> visible in browser on B, p95',
        rounds.map((r) => r.p95),
        'ms',
        { id: 'web.cross.node.p95', decimals: 1 },
      ),
    ],
  };
}

/** `node dist/bench/web.js` runs this phase alone. */
if (process.argv[1]?.endsWith('bench/web.js') || process.argv[1]?.endsWith('bench/web.ts')) {
  const { Cleanup: CleanupClass, projectRoot } = await import('./util.js');
  const { tmpdir } = await import('node:os');
  const { renderSections } = await import('./report.js');
  const cleanup = new CleanupClass(process.env.BENCH_DIR ?? tmpdir());
  process.on('exit', () => cleanup.runSync());
  try {
    const result = await runWebBench(cleanup, {
      root: projectRoot(),
      samples: Number(process.env.BENCH_WEB_SAMPLES ?? 30),
    });
    process.stdout.write(`${renderSections([webSection(result)])}\n${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    progress(`web: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  } finally {
    cleanup.runSync();
  }
}
