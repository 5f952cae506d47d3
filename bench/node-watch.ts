/**
 * What a running node holds, read beside it: how much of a chain, and (issue 16's witness
 * figure) how soon after an append a peer's cosignature covering it. The witness figure runs from an
 * append on node A until A holds the peer's witness cosignature of a checkpoint covering it,
 * read from A's SQLite database (read-only), polled every 2 ms; one entry at a time.
 */
import { Agent } from 'node:http';
import Database from 'better-sqlite3';
import { databasePath } from '../src/node/data-dir.js';
import { openStorage, readStorageConfig } from '../src/storage/open-storage.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import type { Storage } from '../src/storage/storage.js';
import { NOTE_TEXT } from './fixture.js';
import { call } from './http-bench.js';
import { quantile, sleep } from './util.js';

/** How much of a party's chain a node's database holds (read-only, beside the running node). */
export class ChainWatch {
  private storage: Pick<Storage, 'getChainHead' | 'close'> | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly channel: string,
    private readonly party: string,
  ) {}

  async size(): Promise<number> {
    // SQLite read-only beside the serving process; a PostgreSQL node through its storage.json.
    this.storage ??= readStorageConfig(this.dataDir)
      ? await openStorage(this.dataDir)
      : SqliteStorage.open(databasePath(this.dataDir), { readonly: true });
    return (await this.storage.getChainHead(this.channel, this.party))?.size ?? 0;
  }

  async close(): Promise<void> {
    await this.storage?.close();
    this.storage = null;
  }
}

export interface WitnessLatency {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

export async function witnessLatency(
  node: { port: number; token: string; dataDir: string },
  chain: { channel: string; party: string; witness: string },
  samples: number,
  timeoutMs = 20_000,
): Promise<WitnessLatency> {
  const db = new Database(databasePath(node.dataDir), { readonly: true, fileMustExist: true });
  const cosigned = db.prepare(
    'SELECT max(size) AS size FROM cosignatures WHERE channel = ? AND party = ? AND witness = ?',
  );
  const heldSize = (): number =>
    (cosigned.get(chain.channel, chain.party, chain.witness) as { size: number | null }).size ?? 0;
  const times: number[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < samples; i += 1) {
      const sent = performance.now();
      const answer = await call(node.port, 'POST', `/api/v1/channels/${chain.channel}/entries`, {
        token: node.token,
        agent,
        body: { kind: 'note', body: { text: `witnessed ${i}: ${NOTE_TEXT}` } },
      });
      if (answer.status !== 201) throw new Error(`witness: the post answered ${answer.status}`);
      const size = (JSON.parse(answer.body) as { seq: number }).seq + 1;
      while (heldSize() < size) {
        if (performance.now() - sent > timeoutMs)
          throw new Error(
            `witness: no cosignature by ${chain.witness} at size ${size} within ${timeoutMs} ms`,
          );
        await sleep(2);
      }
      times.push(performance.now() - sent);
    }
  } finally {
    agent.destroy();
    db.close();
  }
  times.sort((x, y) => x - y);
  return {
    samples: times.length,
    p50: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    max: times.at(-1) ?? Number.NaN,
  };
}
