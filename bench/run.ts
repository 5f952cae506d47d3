/**
 * Parley's performance bench (`npm run bench`). In one bounded run (under 5 minutes on a 2-core
 * machine) it measures raw baselines on this machine (Ed25519 sign/verify on one core, fsync of
 * the data disk, a bare Node process) and the node's figures next to them: durable appends/s
 * in-process with many writers (on SQLite, and on PostgreSQL when one answers), `parley verify`
 * entries/s, appends/s through the HTTP API of a real `parley serve`, idle memory and start-up
 * time; then two federated node processes (bench/cross-node.ts), the web console in headless
 * Chromium (bench/web.ts) and the reference anchor, a federated XMPP deployment
 * (bench/xmpp-anchor.ts), whose figures go into a side-by-side table (bench/compare.ts).
 *
 * Every throughput and latency phase runs `repeats` rounds (3; 1 with `--quick`): the table
 * shows the median of the rounds and their min–max. A phase whose prerequisite is missing
 * (Chromium, PostgreSQL, Prosody) is skipped with one line that says how to enable it
 * (bench/prerequisites.ts). The summary goes to stdout, progress to stderr, every figure with
 * the machine, commit and date to bench/results/latest.json; `--compare OLD.json` then prints
 * each figure next to the old one with the ratio (bench/compare-runs.ts).
 *
 * Flags: `--quick` (a smoke run: short phases, one round), `--compare OLD.json`, `--to NEW.json`
 * (with --compare: compare two files, run nothing). Sizes are tunable through the environment;
 * see BenchSettings in bench/util.ts for the list and the defaults.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadRun, renderComparison } from './compare-runs.js';
import { printSideBySide, renderSideBySide, type ParleyCrossNodeFigures } from './compare.js';
import { runCrossNode, type CrossNodeResult } from './cross-node.js';
import { createFixture } from './fixture.js';
import {
  baselineRound,
  currentCommit,
  measureBareNode,
  postgresStoragePhase,
  rounds,
  serverPhase,
  storagePhase,
} from './phases.js';
import {
  playwrightAvailable,
  postgresPrerequisite,
  probePostgres,
  webPrerequisite,
  xmppPrerequisite,
} from './prerequisites.js';
import { postgresNodesPhase, type PostgresNodesResult } from './postgres-nodes.js';
import { medianOf, renderSections, writeJson, type Section } from './report.js';
import {
  postgresNodeRows,
  baselineRows,
  crossNodeRows,
  serverRows,
  storageRows,
  verifyRows,
  searchRows,
  type Baselines,
} from './rows.js';
import { fillTo, runVerify } from './storage-bench.js';
import { runSearchRound, searchNoteText, type SearchBenchResult } from './search-bench.js';
import {
  Budget,
  Cleanup,
  elapsedSeconds,
  progress,
  projectRoot,
  readSettings,
  type BenchSettings,
} from './util.js';
import type * as WebModule from './web.js';
import type { WebBenchResult } from './web.js';
import { runXmppAnchor, xmppSection, type XmppAnchorResult } from './xmpp-anchor.js';

/** The PostgreSQL node phase runs only if the run has spent less than this share of its budget. */
const POSTGRES_NODES_UNTIL = 0.7;

async function bench(
  settings: BenchSettings,
  cleanup: Cleanup,
  armDeadline: (seconds: number, what: string) => void,
): Promise<string> {
  const root = projectRoot();
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    dataDir: settings.baseDir,
  };
  const commit = currentCommit(root);
  progress(
    `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GiB, node ${machine.node}; data under ${machine.dataDir}; commit ${commit?.hash.slice(0, 12) ?? 'unknown'}${commit?.dirty ? ' (modified)' : ''}`,
  );
  progress(
    `settings${settings.quick ? ' (--quick: a smoke run, not figures)' : ''}: ${JSON.stringify(settings)}`,
  );
  const loadBefore = loadavg()[0]!;
  if (loadBefore > 0.5) {
    progress(
      `warning: 1-minute load average is ${loadBefore.toFixed(2)}; other work on this machine skews figures`,
    );
  }

  // Prerequisites of the optional phases, checked first: a skip is one line, said up front.
  const skipped: string[] = [];
  const skip = (line: string): void => {
    progress(line);
    skipped.push(line);
  };
  const web = settings.web
    ? webPrerequisite({ chromium: settings.chromium, root, playwright: await playwrightAvailable() })
    : null;
  if (web && !web.ok) skip(web.line);
  const postgres = settings.postgres
    ? postgresPrerequisite(settings.databaseUrl, await probePostgres(settings.databaseUrl))
    : null;
  if (postgres && !postgres.ok) skip(postgres.line);
  const anchor = settings.anchor ? xmppPrerequisite({ root }) : null;
  if (anchor && !anchor.ok) skip(anchor.line);
  if (anchor?.ok && anchor.note) skip(anchor.note);

  const baselines: Baselines = {
    sign: [],
    verify: [],
    fsync: [],
    bareStartupMs: Number.NaN,
    bareRssMb: null,
  };
  progress(`baseline: Ed25519 sign, verify and 4 KiB write + fsync, ${settings.baselineSeconds}s each`);
  baselineRound(cleanup, settings.baselineSeconds, baselines, 'start');

  // An optional phase (PostgreSQL, several processes) that fails costs its own figures only.
  const failed: string[] = [];
  const failedPhase = (phase: string, error: unknown): null => {
    const line = `${phase}: failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    progress(line);
    if (error instanceof Error && error.stack) progress(error.stack);
    failed.push(line);
    return null;
  };
  // Each phase's rounds end where its share of the budget ends (cumulative shares, see Budget).
  const budget = new Budget(settings.budgetSeconds);
  const n = settings.repeats;
  const storage = await storagePhase(
    settings,
    join(cleanup.tempDir('store'), 'data'),
    'storage',
    budget.rounds('storage', n, 0.1),
  );
  const storagePg =
    postgres?.ok === true
      ? await postgresStoragePhase(
          settings,
          join(cleanup.tempDir('store-pg'), 'data'),
          budget.rounds('storage (PostgreSQL)', n, 0.16),
        ).catch((error: unknown) => failedPhase('storage (PostgreSQL)', error))
      : null;

  // verify over a data dir of a fixed size (the storage rounds' data dir grows with the machine's speed).
  const verifyDir = join(cleanup.tempDir('verify'), 'data');
  const verifyFixture = await createFixture(verifyDir, settings.principals);
  try {
    await fillTo(verifyFixture, settings.verifyEntries);
  } finally {
    await verifyFixture.node.close();
  }
  const verify = await rounds(
    settings.repeats,
    async (of) => {
      progress(`verify${of}: verifyStorage over the data dir`);
      const result = await runVerify(verifyDir);
      if (!result.ok)
        throw new Error(`verify reported ${result.failures} failures on a freshly written data dir`);
      progress(
        `verify${of}: ${result.entries} entries, ${result.rate.toFixed(0)}/s on ${result.cpuCores.toFixed(2)} cores`,
      );
      return result;
    },
    budget.rounds('verify', n, 0.26),
  );

  // search over a data dir of a fixed size with varied text, against channel pages of the same dir.
  const searchFixture = await createFixture(join(cleanup.tempDir('search'), 'data'), settings.principals);
  let search: SearchBenchResult[];
  try {
    await fillTo(searchFixture, settings.searchEntries, searchNoteText);
    search = await rounds(
      settings.repeats,
      async (of) => {
        progress(`search${of}: channel pages, then searches, ${settings.seconds}s each`);
        const result = await runSearchRound(searchFixture, settings.seconds);
        progress(
          `search${of}: ${result.entries} entries, ${result.rate.toFixed(0)} searches/s (p99 ${result.latencyP99Ms.toFixed(1)} ms) against ${result.pageRate.toFixed(0)} pages/s`,
        );
        return result;
      },
      budget.rounds('search', n, 0.3),
    );
  } finally {
    await searchFixture.node.close();
  }

  if (settings.repeats > 1) baselineRound(cleanup, settings.baselineSeconds, baselines, 'middle');
  progress(`start-up: bare node x${settings.starts}`);
  const bare = await measureBareNode(cleanup, settings.starts);
  baselines.bareStartupMs = bare.startupMs;
  baselines.bareRssMb = bare.rssMb;
  const server = await serverPhase(settings, cleanup, root, machine.cores, budget.rounds('http', n, 0.42));

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
      rounds: settings.repeats,
      more: {
        throughput: budget.rounds('cross-node throughput', n, 0.5),
        latency: budget.rounds('cross-node latency', n, 0.56),
        catchUp: budget.rounds('catch-up', n, 0.62),
      },
    }).catch((error: unknown) => failedPhase('cross-node', error));
  } else {
    progress('cross-node: skipped (BENCH_CROSS_NODE=0)');
  }

  // Node processes on PostgreSQL beside the SQLite figures above (bench/postgres-nodes.ts).
  let postgresNodes: PostgresNodesResult | null = null;
  if (postgres?.ok === true) {
    if (elapsedSeconds() > POSTGRES_NODES_UNTIL * settings.budgetSeconds) {
      skip(
        `postgres nodes: skipped: ${elapsedSeconds().toFixed(0)}s of the budget of ${settings.budgetSeconds}s spent; to enable: a larger BENCH_BUDGET_SECONDS or shorter phases (BENCH_POSTGRES=0 skips it quietly)`,
      );
    } else {
      postgresNodes = await postgresNodesPhase(settings, cleanup, root).catch((error: unknown) =>
        failedPhase('postgres nodes', error),
      );
    }
  }

  let webResult: WebBenchResult | null = null;
  let webModule: typeof WebModule | null = null;
  if (web?.ok) {
    // The phase ends itself (with an error) at its limit; the hard deadline is a guard against a hang.
    const limitSeconds = Math.max(60, Math.floor(0.8 * settings.budgetSeconds - elapsedSeconds()));
    armDeadline(limitSeconds + 60, 'the web phase');
    progress(`web: two nodes and headless chromium, up to ${limitSeconds}s (BENCH_WEB=0 skips)`);
    // Loaded only here: playwright-core is a dev dependency.
    webModule = await import('./web.js');
    webResult = await webModule
      .runWebBench(cleanup, {
        limitSeconds,
        root,
        chromium: settings.chromium,
        samples: settings.webSamples,
        timelineEntries: settings.webTimelineEntries,
        renders: settings.quick ? 2 : 5,
        rounds: settings.repeats,
        more: budget.rounds('web', n, 0.74),
      })
      .catch((error: unknown) => failedPhase('web', error));
  } else if (!settings.web) {
    progress('web: skipped (BENCH_WEB=0)');
  }

  // The machine may be shared: the raw rates again, to see drift over the run.
  baselineRound(cleanup, settings.baselineSeconds, baselines, 'end');
  const loadAfter = loadavg()[0]!;
  const drift = (values: number[]): number =>
    (Math.max(...values) - Math.min(...values)) / Math.max(...values);
  if (drift(baselines.sign) > 0.15 || drift(baselines.verify) > 0.15) {
    progress('warning: the raw rates drifted by more than 15% during the run; figures are noisy');
  }

  // The reference anchor, last (it loads both cores while it runs), within what is left of the
  // budget; it has a time limit of its own and never fails the run.
  let xmpp: XmppAnchorResult | null = null;
  if (anchor?.ok) {
    const left = Math.floor(settings.budgetSeconds - elapsedSeconds() - 10);
    const limit = Math.min(settings.anchorTimeoutSeconds, left);
    if (limit < 30) {
      skip(
        `xmpp anchor: skipped: ${left}s left of the run's budget of ${settings.budgetSeconds}s; to enable: BENCH_BUDGET_SECONDS=${Math.ceil(settings.budgetSeconds + 60)} or smaller phases (BENCH_ANCHOR=0 skips it quietly)`,
      );
    } else {
      armDeadline(limit + 60, 'the XMPP anchor phase');
      progress(`xmpp anchor: up to ${limit}s for ${anchor.variants.join(' and ')} (one run each)`);
      xmpp = await runXmppAnchor({
        root,
        msgs: settings.anchorMsgs,
        latencyMsgs: settings.anchorLatencyMsgs,
        phaseTimeoutSeconds: Math.min(120, limit),
        timeoutSeconds: limit,
        variants: anchor.variants,
      });
      if (!xmpp.available) progress(`xmpp anchor: ${xmpp.reason}`);
    }
  } else if (!settings.anchor) {
    progress('xmpp anchor: skipped (BENCH_ANCHOR=0)');
  }
  const parleyCrossNode: ParleyCrossNodeFigures | null = crossNode
    ? {
        throughput: medianOf(crossNode.throughput.map((r) => r.rate)),
        p50: medianOf(crossNode.latency.map((r) => r.p50)),
        p95: medianOf(crossNode.latency.map((r) => r.p95)),
        p99: medianOf(crossNode.latency.map((r) => r.p99)),
      }
    : null;

  const sections: Section[] = [
    {
      rows: [
        ...baselineRows(baselines),
        ...storageRows(storage, baselines, 'sqlite'),
        ...(storagePg ? storageRows(storagePg, baselines, 'postgres') : []),
        ...serverRows(server, baselines),
        ...verifyRows(verify, baselines),
        ...searchRows(search),
      ],
    },
  ];
  if (crossNode) {
    const t = crossNode.throughput[0]!;
    const c = crossNode.catchUp[0]!;
    sections.push({
      heading: 'Cross-node: two federated `parley serve` processes on loopback (A -> B)',
      notes: [
        `throughput: ${t.clients} keep-alive clients post on A for ${settings.seconds}s; an entry counts once B verified and committed it (B's chain head); rate = entries / (first post until B holds the last)`,
        `latency: one FLASH entry at a time, from the API call on A to the entry event on a live SSE subscriber of B (${crossNode.latency[0]?.samples ?? 0} samples per round)`,
        `catch-up: B killed with SIGKILL, ${c.entries} entries written on A in ${c.writeSeconds.toFixed(1)}s (the 10-minute outage of the issue scaled down), B restarted; timed from B's restart until it holds them all`,
      ],
      rows: crossNodeRows(crossNode, baselines),
    });
  }
  if (postgresNodes) {
    sections.push({
      heading: 'PostgreSQL: `parley serve` processes of one node on one PostgreSQL schema',
      notes: [
        `HTTP appends: ${postgresNodes.one.clients} keep-alive clients for ${settings.seconds}s on one process, then the same clients split over two processes of the node; ratios to the SQLite HTTP figure above`,
        'cross-node: as above, with B (the receiving node) on PostgreSQL; one round',
        'CPU in cores over each window, from /proc: the node processes, and every `postgres` process of the local server',
      ],
      rows: postgresNodeRows(postgresNodes, server.http, crossNode),
    });
  }
  if (webResult && webModule) sections.push(webModule.webSection(webResult));
  if (xmpp) sections.push(xmppSection(xmpp));
  const figures = sections.flatMap((s) => s.rows);
  const repeats = settings.repeats;
  process.stdout.write(
    `\nParley bench — ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ${settings.seconds}s load phases, ` +
      `${repeats} round${repeats > 1 ? 's' : ''} of each throughput and latency phase${repeats > 1 ? ' (value = median, min–max over the rounds)' : ''}` +
      `${settings.quick ? '; --quick: a smoke run, not figures' : ''}\n` +
      `The HTTP load generator runs in the bench process and shares the cores with the server.\n` +
      `1-minute load average: ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end` +
      `${loadBefore > 0.5 || loadAfter > 1.5 ? ' (machine busy with other work: figures are noisy)' : ''}.\n` +
      (skipped.length > 0 ? `Skipped:\n${skipped.map((line) => `  ${line}`).join('\n')}\n` : '') +
      (failed.length > 0 ? `Failed:\n${failed.map((line) => `  ${line}`).join('\n')}\n` : '') +
      (budget.cut.length > 0
        ? `Fewer rounds than asked, to stay within the budget:\n${budget.cut.map((line) => `  ${line}`).join('\n')}\n`
        : '') +
      `\n${renderSections(sections)}\n`,
  );
  const missed = figures.filter((r) => r.pass === false).map((r) => r.figure);
  process.stdout.write(missed.length === 0 ? '\nAll targets met.\n' : `\nMissed: ${missed.join('; ')}\n`);
  if (xmpp) printSideBySide(parleyCrossNode, xmpp);

  const resultsPath = join(root, 'bench/results/latest.json');
  await writeJson(resultsPath, {
    format: 'parley-bench/2',
    at: new Date().toISOString(),
    seconds: Number(elapsedSeconds().toFixed(1)),
    commit,
    machine,
    settings,
    loadAverage: { start: loadBefore, end: loadAfter },
    skipped,
    failed,
    roundsCut: budget.cut,
    figures,
    sections: sections.map((s) => ({
      heading: s.heading ?? null,
      notes: s.notes ?? [],
      ids: s.rows.map((r) => r.id),
    })),
    sideBySide: xmpp
      ? { parley: parleyCrossNode, table: renderSideBySide(parleyCrossNode, xmpp).split('\n') }
      : null,
    details: {
      baselines: { ...baselines, bareNode: bare },
      storage,
      storagePostgres: storagePg,
      verify,
      search,
      server,
      crossNode,
      postgresNodes,
      web: webResult,
      xmppAnchor: xmpp,
    },
  });
  progress(`results written to ${resultsPath} after ${elapsedSeconds().toFixed(0)}s`);
  // A phase that failed fails the run, after every other figure was reported and written.
  if (failed.length > 0) process.exitCode = 1;
  return resultsPath;
}

let settings: BenchSettings;
try {
  settings = readSettings();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}
if (settings.compare && settings.compareTo) {
  // Two files side by side; nothing runs.
  try {
    process.stdout.write(`${renderComparison(loadRun(settings.compare), loadRun(settings.compareTo))}\n`);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
} else {
  // Read the old results first: a bad file should not wait for a whole run to be found out.
  const older = settings.compare ? loadRun(settings.compare) : null;
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
  const armDeadline = (seconds: number, what: string): void => {
    clearTimeout(deadline);
    deadline = setTimeout(() => {
      progress(`deadline of ${seconds}s for ${what} exceeded: aborting, cleaning up`);
      process.exit(1);
    }, seconds * 1000);
    deadline.unref();
  };
  armDeadline(settings.deadlineSeconds, "Parley's phases");
  try {
    const resultsPath = await bench(settings, cleanup, armDeadline);
    if (older)
      process.stdout.write(
        `\nCompared with ${settings.compare}\n${renderComparison(older, loadRun(resultsPath))}\n`,
      );
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(deadline);
    cleanup.runSync();
  }
}
