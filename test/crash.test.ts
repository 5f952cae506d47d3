/**
 * Crash safety against a real node process: clients append as fast as they can, the node is
 * killed with SIGKILL mid-write, restarted, and everything it answered "accepted" must be there,
 * nothing half-written, and `parley verify` must pass. Repeated for several crash cycles.
 */
import { describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { databasePath } from '../src/node/data-dir.js';
import { prepareNode, runCli, startServe } from './support/node-process.js';
import { hammer, type Accepted } from './support/append-load.js';

const CYCLES = 3;
const CLIENTS = 16;

describe('kill -9 while clients append', () => {
  it('keeps every acknowledged entry, writes nothing half, and verifies after each restart', async () => {
    const { dataDir, tokens } = await prepareNode();
    const accepted: Accepted[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      const node = await startServe(dataDir);
      const stop = new AbortController();
      const before = accepted.length;
      const writers = Array.from({ length: CLIENTS }, (_, c) =>
        hammer(
          node.url,
          c % 2 === 0 ? tokens['svr-head']! : tokens['svr-duty']!,
          stop.signal,
          accepted,
          `c${cycle}w${c}`,
        ),
      );
      // Let appends flow, then kill at a moment the node is busy committing.
      const deadline = Date.now() + 10_000;
      while (accepted.length - before < 200 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await node.kill9();
      stop.abort();
      await Promise.all(writers);
      expect(accepted.length - before).toBeGreaterThan(0);

      const storage = SqliteStorage.open(databasePath(dataDir));
      try {
        const head = (await storage.getChainHead('intel', 'RU'))!;
        const chain = await storage.readChain('intel', 'RU', 0, 1_000_000);
        expect(chain).toHaveLength(head.size);
        chain.forEach((entry, index) => expect(entry.seq).toBe(index));
        const bySeq = new Map(chain.map((e) => [e.seq, e]));
        for (const entry of accepted) {
          const stored = bySeq.get(entry.seq);
          expect(stored?.hash, `accepted entry ${entry.seq} (${entry.text}) is missing`).toBe(entry.hash);
          expect(stored!.canonical).toContain(`"text":"${entry.text}"`);
        }
      } finally {
        await storage.close();
      }
      const verify = runCli(['verify', '--data-dir', dataDir, '--json']);
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, failures: [] });
    }
  });
});
