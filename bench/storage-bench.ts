/**
 * In-process figures: durable appends per second through the entries workflow (postEntry) with many
 * concurrent writers (group commit batches them), topping a data dir up to a given size through
 * the appender's bulk path, and the entries per second of verifyStorage (what `parley verify`
 * runs) over that data dir.
 */
import { openNode } from '../src/workflows/open-node.js';
import { verifyNode } from '../src/workflows/audit/node-audit.js';
import type { Principal } from '../src/storage/storage.js';
import { NOTE_TEXT, noteDraft, type Fixture } from './fixture.js';
import { progress, quantile, ticker } from './util.js';
import { postEntry } from '../src/workflows/entries/commands.js';

export interface StorageResult {
  writers: number;
  appends: number;
  seconds: number;
  rate: number;
  batches: number;
  averageBatch: number;
  commitsPerSecond: number;
  /** CPU of this process during the window, in cores (1.0 = one core busy). */
  cpuCores: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  chains: number;
  seconds: number;
  rate: number;
  cpuCores: number;
  failures: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function writerLoops(
  fixture: Fixture,
  loops: number,
  seconds: number,
  onAppend: (latencyMs: number) => void,
): Promise<void> {
  const { node, writers, channel } = fixture;
  const end = performance.now() + seconds * 1000;
  const loop = async (author: Principal): Promise<void> => {
    while (performance.now() < end) {
      const started = performance.now();
      await postEntry(node, author, channel, {
        kind: 'note',
        precedence: 'ROUTINE',
        body: { text: NOTE_TEXT },
      });
      onAppend(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, i) => loop(writers[i % writers.length]!)));
}

/** `loops` concurrent writers each awaiting node.postEntry in turn, for `seconds` after a warm-up. */
export async function runStorageAppends(
  fixture: Fixture,
  loops: number,
  seconds: number,
): Promise<StorageResult> {
  const { appender } = fixture.node;
  await writerLoops(fixture, loops, Math.min(1, seconds / 5), () => {});
  const batches0 = appender.batches;
  const committed0 = appender.committed;
  const latencies: number[] = [];
  const stop = ticker('storage', 'appends', () => latencies.length);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  try {
    await writerLoops(fixture, loops, seconds, (ms) => latencies.push(ms));
  } finally {
    stop();
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSecondsSince(cpu0);
  const batches = appender.batches - batches0;
  const committed = appender.committed - committed0;
  latencies.sort((a, b) => a - b);
  return {
    writers: loops,
    appends: latencies.length,
    seconds: elapsed,
    rate: latencies.length / elapsed,
    batches,
    averageBatch: batches > 0 ? committed / batches : 0,
    commitsPerSecond: batches / elapsed,
    cpuCores: cpu / elapsed,
    latencyP50Ms: quantile(latencies, 0.5),
    latencyP99Ms: quantile(latencies, 0.99),
  };
}

/**
 * Appends notes in large batches until the node holds at least `entries` entries; `textOf` gives
 * the n-th note's text (the bench note by default).
 */
export async function fillTo(
  fixture: Fixture,
  entries: number,
  textOf: (n: number) => string = () => NOTE_TEXT,
): Promise<number> {
  const { node, writers, channel } = fixture;
  const BATCH = 1000;
  const IN_FLIGHT = 4;
  let total = await node.storage.countEntries();
  if (total >= entries) return total;
  progress(`set-up: topping the data dir up from ${total} to ${entries} entries`);
  let next = 0;
  while (total < entries) {
    const rounds = Math.min(IN_FLIGHT, Math.ceil((entries - total) / BATCH));
    await Promise.all(
      Array.from({ length: rounds }, () =>
        node.appender.append(
          Array.from({ length: BATCH }, () => {
            const n = next++;
            return noteDraft(channel, writers[n % writers.length]!, textOf(n));
          }),
        ),
      ),
    );
    total += rounds * BATCH;
  }
  return node.storage.countEntries();
}

/**
 * Opens the data dir as `parley verify` does and verifies everything in it the same way: every
 * rule on this thread, signatures shared with the node's worker pool (cpuCores says how many
 * cores that took).
 */
export async function runVerify(dataDir: string): Promise<VerifyResult> {
  const node = await openNode(dataDir);
  try {
    let seen = 0;
    const stop = ticker('verify', 'entries', () => seen);
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    let report;
    try {
      report = await verifyNode(node, (n) => (seen = n));
    } finally {
      stop();
    }
    const elapsed = (performance.now() - started) / 1000;
    return {
      ok: report.ok,
      entries: report.entries,
      chains: report.chains,
      seconds: elapsed,
      rate: report.entries / elapsed,
      cpuCores: cpuSecondsSince(cpu0) / elapsed,
      failures: report.failures.length,
    };
  } finally {
    await node.close();
  }
}
