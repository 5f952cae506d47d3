/**
 * Two processes of one node appending to the same chain on PostgreSQL (README "Several processes
 * of one node"): each process's appender seals on its own cached head, so the two collide; after
 * the first collision they take turns on the chain (storage withChainsHeld), so every append
 * succeeds, none waits for a retry that gives up (503), and the chain stays one chain.
 *
 * Two ParleyNode instances on one schema stand for the two processes: each has its own pool,
 * appender, clock and cache, which is all the race involves; the process-level tests are in
 * multi-process.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_OPERATOR } from '../src/cli/local-node.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import {
  dropSchemas,
  skipWithoutPostgres,
  uniqueSchema,
  urlWithSchema,
} from '../src/storage/postgres/test-support/postgres-server.js';
import { verifyStorage } from '../src/workflows/audit/verify.js';
import { createChannel } from '../src/workflows/channels/commands.js';
import { addOffice } from '../src/workflows/directory/commands.js';
import { postEntry } from '../src/workflows/entries/commands.js';
import { initNode, openNode } from '../src/workflows/open-node.js';
import { addPerson } from '../src/workflows/test-support/new-node.js';
import { PASSWORD } from './support/node-process.js';
import { unlockedActor } from './support/unlocked.js';

const skip = await skipWithoutPostgres('PostgreSQL appender tests');
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.skipIf(skip)('two appenders of one node on one PostgreSQL schema', () => {
  it('take turns on a contended chain: every append succeeds, in one unforked chain', async () => {
    const schema = uniqueSchema();
    schemas.push(schema);
    const dataDir = join(mkdtempSync(join(tmpdir(), 'parley-pg-appenders-')), 'node');
    const first = await initNode({
      dataDir,
      party: 'RU',
      partyName: 'RU',
      adminId: 'admin',
      adminPassword: PASSWORD,
      databaseUrl: urlWithSchema(schema),
    });
    const nodes: ParleyNode[] = [first];
    try {
      await addOffice(first, LOCAL_OPERATOR, { id: 'svr', name: 'SVR' });
      await addPerson(first, 'head', 'svr', 'head');
      await createChannel(first, LOCAL_OPERATOR, {
        id: 'intel',
        name: 'Intel',
        offices: ['svr'],
        languages: ['en'],
      });
      nodes.push(await openNode(dataDir));
      const head = await unlockedActor(first.storage, 'head');

      // 12 writers per process, each posting in turn for 1.5 s: the load that made 4% of API
      // writes answer 503 when each process sealed on its own head and retried on conflict.
      const deadline = Date.now() + 1500;
      const failures: string[] = [];
      const acknowledged: Array<{ seq: number; hash: string }> = [];
      await Promise.all(
        nodes.flatMap((node, n) =>
          Array.from({ length: 12 }, async (_, w) => {
            for (let i = 0; Date.now() < deadline; i += 1) {
              try {
                const entry = await postEntry(node, head, 'intel', {
                  kind: 'note',
                  body: { text: `p${n} w${w} #${i}` },
                });
                acknowledged.push({ seq: entry.seq, hash: entry.hash });
              } catch (error) {
                failures.push((error as Error).message);
              }
            }
          }),
        ),
      );
      expect(failures).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(100);
      // Both processes wrote, in batches: group commit survives the contention.
      for (const node of nodes) expect(node.appender.committed).toBeGreaterThan(node.appender.batches);

      const chain = await first.storage.readChain('intel', 'RU', 0, 100_000);
      expect(chain.map((e) => e.seq)).toEqual(chain.map((_, i) => i));
      const stored = new Map(chain.map((e) => [e.seq, e.hash]));
      for (const entry of acknowledged) expect(stored.get(entry.seq)).toBe(entry.hash);
      expect(new Set(acknowledged.map((e) => e.seq)).size).toBe(acknowledged.length);
      expect((await verifyStorage(first.storage)).failures).toEqual([]);
    } finally {
      for (const node of nodes) await node.close();
    }
  });
});
