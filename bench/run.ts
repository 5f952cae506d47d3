/**
 * Parley's performance bench (`npm run bench`). In one bounded run it measures raw baselines on
 * this machine (Ed25519 sign/verify on one core, fsync of the data disk, a bare Node process) and
 * the node's figures next to them: durable appends/s in-process with many writers, appends/s
 * through the HTTP API of a real `parley serve`, `parley verify` entries/s, idle memory and
 * start-up time. After Parley's phases it runs the reference anchor, a federated XMPP deployment
 * (two Prosody servers over s2s, bench/xmpp-anchor.ts), in a default and a durable variant, and
 * adds its figures under their own heading plus a side-by-side table (bench/compare.ts). Prints
 * a summary table on stdout (progress goes to stderr) and writes bench/results/latest.json.
 *
 * Tunable through the environment: BENCH_SECONDS (load phases, default 5), BENCH_BASELINE_SECONDS
 * (1.5), BENCH_WRITERS (64), BENCH_HTTP_CLIENTS (64), BENCH_PRINCIPALS (8), BENCH_VERIFY_ENTRIES
 * (50000), BENCH_STARTS (5), BENCH_DIR (temp dirs; default the OS temp dir), BENCH_DEADLINE_SECONDS
 * (270; Parley's phases are aborted and cleaned up after it), BENCH_CROSS_NODE (1; 0 skips the
 * cross-node phase), BENCH_LATENCY_SAMPLES (300), BENCH_CATCHUP_ENTRIES (5000),
 * BENCH_CATCHUP_WRITE_SECONDS (15), BENCH_ANCHOR (1; 0 skips the XMPP anchor), BENCH_ANCHOR_MSGS
 * (5000), BENCH_ANCHOR_LAT_MSGS (500), BENCH_ANCHOR_TIMEOUT_SECONDS (240, both variants together;
 * the anchor's processes are stopped after it).
 *
 * The cross-node phase (bench/cross-node.ts) runs two federated `parley serve` processes and
 * measures throughput counted on the receiving node, FLASH end-to-end latency to a live
 * subscriber of the receiving node, and catch-up after the receiving node was killed; its
 * throughput and latencies go into the side-by-side table with the XMPP anchor.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureFsync, measureSign, measureVerify } from './baselines.js';
import { createFixture, createTokens } from './fixture.js';
import { call, runHttpLoad, spawnUntilReady, startParley } from './http-bench.js';
import { printSideBySide, renderSideBySide, type ParleyCrossNodeFigures } from './compare.js';
import { runCrossNode, type CrossNodeResult } from './cross-node.js';
import { renderSections, row, writeJson, type Row, type Section } from './report.js';
import { fillTo, runStorageAppends, runVerify } from './storage-bench.js';
import {
  Cleanup,
  median,
  processMemoryKb,
  progress,
  projectRoot,
  readSettings,
  sleep,
  type BenchSettings,
} from './util.js';
import { runWebBench, webSection, type WebBenchResult } from './web.js';
import { runXmppAnchor, xmppSection, type XmppAnchorResult } from './xmpp-anchor.js';

const TARGETS = {
  storageShareOfSign: 0.5,
  crossNodeShareOfVerify: 0.5,
  flashP99Ms: 15,
  httpRequestsPerSecond: 5000,
  verifyShareOfVerify: 0.8,
  idleRssMb: 100,
  startupMs: 1000,
};

/** A bare `node` that prints a line: the floor for start-up time and resident memory. */
async function measureBareNode(
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

/** The cross-node rows of the table. */
function crossNodeRows(x: CrossNodeResult, verifyRate: number): Row[] {
  const verify = { label: 'verify', value: verifyRate };
  return [
    row(
      `cross-node throughput, ${x.throughput.clients} clients on A, held on B`,
      x.throughput.rate,
      'entries/s',
      {
        baseline: verify,
        target: `>= ${TARGETS.crossNodeShareOfVerify * 100}% of verify`,
        pass: x.throughput.rate >= TARGETS.crossNodeShareOfVerify * verifyRate && x.throughput.errors === 0,
      },
    ),
    row('cross-node: A API accepted (write window)', x.throughput.writeRate, 'entries/s'),
    row('cross-node: held on B during the window', x.throughput.windowRate, 'entries/s'),
    row('cross-node: B drain after the window', x.throughput.drainMs, 'ms'),
    row('cross-node: CPU of node A', x.throughput.cpuCoresA ?? Number.NaN, 'cores', { decimals: 2 }),
    row('cross-node: CPU of node B', x.throughput.cpuCoresB ?? Number.NaN, 'cores', { decimals: 2 }),
    row('FLASH end-to-end latency p50 (A API -> B live event)', x.latency.p50, 'ms', { decimals: 2 }),
    row('FLASH end-to-end latency p95', x.latency.p95, 'ms', { decimals: 2 }),
    row('FLASH end-to-end latency p99', x.latency.p99, 'ms', {
      decimals: 2,
      target: `< ${TARGETS.flashP99Ms} ms`,
      pass: x.latency.p99 < TARGETS.flashP99Ms,
    }),
    row('FLASH post on A alone p50 (for comparison)', x.latency.postP50, 'ms', { decimals: 2 }),
    row(`catch-up after B outage, ${x.catchUp.entries} entries`, x.catchUp.rate, 'entries/s', {
      baseline: verify,
    }),
    row('catch-up: B restart to holding all', x.catchUp.seconds, 's', { decimals: 2 }),
    row('catch-up: B restart to listening', x.catchUp.restartMs, 'ms'),
    row('catch-up: peak VmRSS of A', x.catchUp.rssMaxMbA ?? Number.NaN, 'MiB', { decimals: 1 }),
    row('catch-up: peak VmRSS of B', x.catchUp.rssMaxMbB ?? Number.NaN, 'MiB', { decimals: 1 }),
  ];
}

async function bench(
  settings: BenchSettings,
  cleanup: Cleanup,
  armDeadline: (seconds: number, what: string) => void,
): Promise<void> {
  const root = projectRoot();
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    dataDir: settings.baseDir,
  };
  progress(
    `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GiB, node ${machine.node}; data under ${machine.dataDir}`,
  );
  progress(`settings: ${JSON.stringify(settings)}`);
  const loadBefore = loadavg()[0]!;
  if (loadBefore > 0.5) {
    progress(
      `warning: 1-minute load average is ${loadBefore.toFixed(2)}; other work on this machine skews figures`,
    );
  }

  // 1. Raw baselines.
  progress(`baseline: Ed25519 sign for ${settings.baselineSeconds}s`);
  const signBase = measureSign(settings.baselineSeconds);
  progress(`baseline: Ed25519 verify for ${settings.baselineSeconds}s`);
  const verifyBase = measureVerify(settings.baselineSeconds);
  progress(`baseline: 4 KiB write + fsync for ${settings.baselineSeconds}s`);
  const fsyncBase = measureFsync(cleanup.tempDir('fsync'), settings.baselineSeconds);
  progress(
    `baseline: sign ${signBase.rate.toFixed(0)}/s, verify ${verifyBase.rate.toFixed(0)}/s, fsync ${fsyncBase.rate.toFixed(0)}/s`,
  );

  // 2. Durable appends in-process, then 4. verify over the same data dir.
  const storeDir = join(cleanup.tempDir('store'), 'data');
  progress(`storage: creating a node with ${settings.principals} principals in ${storeDir}`);
  const fixture = await createFixture(storeDir, settings.principals);
  let storage;
  let verifySize;
  try {
    progress(`storage: ${settings.writers} concurrent writers calling postEntry for ${settings.seconds}s`);
    storage = await runStorageAppends(fixture, settings.writers, settings.seconds);
    progress(
      `storage: ${storage.rate.toFixed(0)} appends/s, ${storage.averageBatch.toFixed(1)} per commit, ${storage.cpuCores.toFixed(2)} cores`,
    );
    verifySize = await fillTo(fixture, settings.verifyEntries);
  } finally {
    await fixture.node.close();
  }
  progress(`verify: verifyStorage over ${verifySize} entries`);
  const verify = await runVerify(storeDir);
  if (!verify.ok)
    throw new Error(`verify reported ${verify.failures} failures on a freshly written data dir`);
  progress(`verify: ${verify.rate.toFixed(0)} entries/s on ${verify.cpuCores.toFixed(2)} cores`);

  // 5. Start-up and memory, then 3. HTTP load on the last started server.
  progress(`start-up: bare node x${settings.starts}`);
  const bare = await measureBareNode(cleanup, settings.starts);
  const httpDir = join(cleanup.tempDir('http'), 'data');
  progress(`http: preparing ${httpDir}`);
  const httpFixture = await createFixture(httpDir, settings.principals);
  let tokens: string[];
  try {
    tokens = await createTokens(httpFixture.node, httpFixture.writers);
  } finally {
    await httpFixture.node.close();
  }
  const startups: number[] = [];
  const healthz: number[] = [];
  let http;
  let idleMemory;
  let loadedMemory;
  for (let i = 0; i < settings.starts; i += 1) {
    const server = await startParley(cleanup, root, httpDir);
    startups.push(server.readyMs);
    healthz.push(server.firstHealthzMs);
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
          await call(server.port, 'POST', `/api/v1/channels/${httpFixture.channel}/entries`, {
            token,
            body: { kind: 'note', precedence: 'ROUTINE', body: { text: `warm-up ${k}` } },
          }),
          await call(server.port, 'GET', `/api/v1/channels/${httpFixture.channel}/entries?limit=10`, {
            token,
          }),
        ];
        const bad = checks.find((c) => c.status >= 300);
        if (bad) throw new Error(`server answered ${bad.status}: ${bad.body.slice(0, 300)}`);
      }
      await sleep(1000);
      idleMemory = processMemoryKb(server.pid);
      progress(`memory: idle server VmRSS ${((idleMemory?.rss ?? Number.NaN) / 1024).toFixed(1)} MiB`);
      progress(
        `http: ${settings.httpClients} keep-alive clients posting notes for ${settings.seconds}s (${machine.cores} cores shared with the server)`,
      );
      http = await runHttpLoad(server, httpFixture.channel, tokens, settings.httpClients, settings.seconds);
      loadedMemory = processMemoryKb(server.pid);
      progress(
        `http: ${http.rate.toFixed(0)} req/s, p50 ${http.latencyP50Ms.toFixed(1)} ms, p99 ${http.latencyP99Ms.toFixed(1)} ms; server ${http.serverCpuCores?.toFixed(2) ?? '?'} cores, load generator ${http.clientCpuCores.toFixed(2)} cores`,
      );
    } finally {
      await server.stop();
    }
  }
  if (!http || !storage) throw new Error('a phase did not run');

  // 6. Two federated node processes: throughput counted on the receiving node, FLASH latency
  // end to end, catch-up after an outage of the receiving node.
  let crossNode: CrossNodeResult | null = null;
  if (settings.crossNode) {
    crossNode = await runCrossNode(cleanup, {
      root,
      clients: settings.httpClients,
      principals: settings.principals,
      seconds: settings.seconds,
      latencySamples: settings.latencySamples,
      catchUpEntries: settings.catchUpEntries,
      catchUpWriteSeconds: settings.catchUpWriteSeconds,
    });
  } else {
    progress('cross-node: skipped (BENCH_CROSS_NODE=0)');
  }

  // 6b. The web console in headless chromium: first renders, shipped size, cross-node appearance.
  let web: WebBenchResult | null = null;
  if (process.env.BENCH_WEB !== '0') {
    armDeadline(180, 'the web phase');
    progress('web: two nodes and headless chromium (BENCH_WEB=0 skips)');
    web = await runWebBench(cleanup, { root });
  } else {
    progress('web: skipped (BENCH_WEB=0)');
  }

  // The machine may be shared: measure the raw rates again and compare with the node figures
  // against the better of the two measurements (the conservative choice).
  progress('baseline: Ed25519 sign and verify again, to see drift over the run');
  const signEnd = measureSign(settings.baselineSeconds);
  const verifyEnd = measureVerify(settings.baselineSeconds);
  const loadAfter = loadavg()[0]!;
  const drift = (a: number, b: number): number => Math.abs(a - b) / Math.max(a, b);
  if (drift(signBase.rate, signEnd.rate) > 0.15 || drift(verifyBase.rate, verifyEnd.rate) > 0.15) {
    progress(
      `warning: raw rates drifted during the run (sign ${signBase.rate.toFixed(0)} -> ${signEnd.rate.toFixed(0)}/s, verify ${verifyBase.rate.toFixed(0)} -> ${verifyEnd.rate.toFixed(0)}/s); figures are noisy`,
    );
  }
  const signRate = Math.max(signBase.rate, signEnd.rate);

  // 7. The reference anchor, after Parley's phases (it loads both cores while it runs); it has a
  // time limit of its own and never fails the run.
  let xmpp: XmppAnchorResult | null = null;
  if (settings.anchor) {
    armDeadline(settings.anchorTimeoutSeconds + 60, 'the XMPP anchor phase');
    progress(`xmpp anchor: up to ${settings.anchorTimeoutSeconds}s for both variants`);
    xmpp = await runXmppAnchor({
      root,
      msgs: settings.anchorMsgs,
      latencyMsgs: settings.anchorLatencyMsgs,
      phaseTimeoutSeconds: 120,
      timeoutSeconds: settings.anchorTimeoutSeconds,
    });
    if (!xmpp.available) progress(`xmpp anchor: ${xmpp.reason}`);
  } else {
    progress('xmpp anchor: skipped (BENCH_ANCHOR=0)');
  }
  const parleyCrossNode: ParleyCrossNodeFigures | null = crossNode
    ? {
        throughput: crossNode.throughput.rate,
        p50: crossNode.latency.p50,
        p95: crossNode.latency.p95,
        p99: crossNode.latency.p99,
      }
    : null;
  const verifyRate = Math.max(verifyBase.rate, verifyEnd.rate);

  const sign = { label: 'sign', value: signRate };
  const idleRssMb = (idleMemory?.rss ?? Number.NaN) / 1024;
  const startupMs = median(startups);
  const healthzMs = median(healthz);
  const bareStartup = { label: 'bare node', value: bare.startupMs };
  const rows: Row[] = [
    row('Ed25519 sign, 1 core (raw, best of 2)', signRate, 'ops/s'),
    row('Ed25519 verify, 1 core (raw, best of 2)', verifyRate, 'ops/s'),
    row('4 KiB write + fsync (raw)', fsyncBase.rate, 'ops/s'),
    row(`storage appends, ${storage.writers} writers`, storage.rate, 'appends/s', {
      baseline: sign,
      target: `>= ${TARGETS.storageShareOfSign * 100}% of sign`,
      pass: storage.rate >= TARGETS.storageShareOfSign * signRate,
    }),
    row('storage commits (group commit)', storage.commitsPerSecond, 'commits/s', {
      baseline: { label: 'fsync', value: fsyncBase.rate },
    }),
    row('storage entries per commit', storage.averageBatch, 'entries', { decimals: 1 }),
    row('storage append latency p50', storage.latencyP50Ms, 'ms', { decimals: 2 }),
    row('storage append latency p99', storage.latencyP99Ms, 'ms', { decimals: 2 }),
    row(`HTTP appends, ${http.clients} clients`, http.rate, 'req/s', {
      baseline: sign,
      target: `>= ${TARGETS.httpRequestsPerSecond} req/s`,
      pass: http.rate >= TARGETS.httpRequestsPerSecond && http.errors === 0,
    }),
    row('HTTP entries per commit (server)', http.serverEntriesPerCommit ?? Number.NaN, 'entries', {
      decimals: 1,
    }),
    row('HTTP append latency p50', http.latencyP50Ms, 'ms', { decimals: 2 }),
    row('HTTP append latency p99', http.latencyP99Ms, 'ms', { decimals: 2 }),
    row('HTTP server CPU under load', http.serverCpuCores ?? Number.NaN, 'cores', { decimals: 2 }),
    row('HTTP load generator CPU', http.clientCpuCores, 'cores', { decimals: 2 }),
    row(`verify (${verify.entries} entries)`, verify.rate, 'entries/s', {
      baseline: { label: 'verify', value: verifyRate },
      target: `>= ${TARGETS.verifyShareOfVerify * 100}% of verify`,
      pass: verify.rate >= TARGETS.verifyShareOfVerify * verifyRate,
    }),
    row('idle server VmRSS', idleRssMb, 'MiB', {
      decimals: 1,
      ...(bare.rssMb !== null ? { baseline: { label: 'bare node', value: bare.rssMb } } : {}),
      target: `< ${TARGETS.idleRssMb} MiB`,
      pass: idleRssMb < TARGETS.idleRssMb,
    }),
    row('server VmRSS after HTTP load', (loadedMemory?.rss ?? Number.NaN) / 1024, 'MiB', { decimals: 1 }),
    row(`start-up to listening, median of ${startups.length}`, startupMs, 'ms', {
      baseline: bareStartup,
      target: `< ${TARGETS.startupMs} ms`,
      pass: startupMs < TARGETS.startupMs,
    }),
    row(`start-up to first /healthz, median of ${healthz.length}`, healthzMs, 'ms', {
      baseline: bareStartup,
    }),
  ];

  const sections: Section[] = [{ rows }];
  const crossRows = crossNode ? crossNodeRows(crossNode, verifyRate) : [];
  if (crossNode) {
    sections.push({
      heading: 'Cross-node: two federated `parley serve` processes on loopback (A -> B)',
      notes: [
        `throughput: ${crossNode.throughput.clients} keep-alive clients post on A for ${settings.seconds}s; an entry counts once B verified and committed it (B's chain head); rate = entries / (first post until B holds the last)`,
        `latency: one FLASH entry at a time, from the API call on A to the entry event on a live SSE subscriber of B (${crossNode.latency.samples} samples)`,
        `catch-up: B killed with SIGKILL, ${crossNode.catchUp.entries} entries written on A in ${crossNode.catchUp.writeSeconds.toFixed(1)}s (the 10-minute outage of the issue scaled down), B restarted; timed from B's restart until it holds them all`,
      ],
      rows: crossRows,
    });
  }
  if (web) sections.push(webSection(web));
  if (xmpp) sections.push(xmppSection(xmpp));
  const table = renderSections(sections);
  process.stdout.write(
    `\nParley bench — ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ${settings.seconds}s load phases\n` +
      `The HTTP load generator runs in the bench process and shares the cores with the server.\n` +
      `1-minute load average: ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end` +
      `${loadBefore > 0.5 || loadAfter > 1.5 ? ' (machine busy with other work: figures are noisy)' : ''}.\n\n${table}\n`,
  );
  const failed = [...rows, ...crossRows].filter((r) => r.pass === false).map((r) => r.figure);
  process.stdout.write(failed.length === 0 ? '\nAll targets met.\n' : `\nMissed: ${failed.join('; ')}\n`);
  if (xmpp) printSideBySide(parleyCrossNode, xmpp);

  const resultsPath = join(root, 'bench/results/latest.json');
  await writeJson(resultsPath, {
    at: new Date().toISOString(),
    machine,
    settings,
    rows: rows.map(({ decimals: _decimals, ...r }) => r),
    crossNode: crossNode
      ? { rows: crossRows.map(({ decimals: _decimals, ...r }) => r), details: crossNode }
      : null,
    web,
    reference: xmpp
      ? {
          heading: sections.at(-1)?.heading,
          notes: sections.at(-1)?.notes,
          rows: (sections.at(-1)?.rows ?? []).map(({ decimals: _decimals, ...r }) => r),
          sideBySide: { parley: parleyCrossNode, table: renderSideBySide(parleyCrossNode, xmpp).split('\n') },
        }
      : null,
    details: {
      loadAverage: { start: loadBefore, end: loadAfter },
      baselines: {
        sign: [signBase, signEnd],
        verify: [verifyBase, verifyEnd],
        fsync: fsyncBase,
        bareNode: bare,
      },
      storage,
      verify,
      http,
      memoryKb: { idle: idleMemory ?? null, afterLoad: loadedMemory ?? null },
      startupMs: startups,
      firstHealthzMs: healthz,
      xmppAnchor: xmpp,
    },
  });
  progress(`results written to ${resultsPath}`);
}

const settings = readSettings();
const cleanup = new Cleanup(settings.baseDir);
process.on('exit', () => cleanup.runSync());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    progress(`${signal}: stopping, cleaning up`);
    process.exit(130);
  });
}
let deadline: NodeJS.Timeout | undefined;
/** (Re-)arms the hard limit: `seconds` from now for `what`, then the run is aborted and cleaned up. */
function armDeadline(seconds: number, what: string): void {
  clearTimeout(deadline);
  deadline = setTimeout(() => {
    progress(`deadline of ${seconds}s for ${what} exceeded: aborting, cleaning up`);
    process.exit(1);
  }, seconds * 1000);
  deadline.unref();
}
armDeadline(settings.deadlineSeconds, "Parley's phases");

try {
  await bench(settings, cleanup, armDeadline);
} catch (error) {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  cleanup.runSync();
}
