/**
 * The change feed is the only source of live updates: two `parley serve` processes of one party
 * on one PostgreSQL schema, entries written through both, and a live stream (SSE) opened on each
 * sees every entry of both processes, in the same order, with the same cursors.
 *
 * Needs a PostgreSQL server (PARLEY_TEST_DATABASE_URL, default 127.0.0.1:5432/test): skipped
 * without one, failing in CI (CI=true). The run uses its own schema and drops it.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dropSchemas,
  skipWithoutPostgres,
  uniqueSchema,
  urlWithSchema,
} from '../src/storage/postgres/test-support/postgres-server.js';
import { PASSWORD, api, runCli, startServe, tempDir, type ServeProcess } from './support/node-process.js';
import { readEvents } from './support/event-stream.js';

const skip = await skipWithoutPostgres('the live feed test');
const ENTRIES = 30;

function cli(args: string[], env: Record<string, string> = {}): string {
  const result = runCli(args, { PARLEY_DATABASE_URL: '', ...env });
  if (result.status !== 0) throw new Error(`parley ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

interface Received {
  cursor: number;
  id: string;
}

/** Reads `entry` events of a channel's live stream until `count` arrived or the time is up. */
async function readStream(url: string, token: string, count: number, ms: number): Promise<Received[]> {
  const { status, events } = await readEvents(url, '/api/v1/channels/intel/events', token, {
    enough: (got) => got.filter((e) => e.event === 'entry').length >= count,
    ms,
  });
  expect(status).toBe(200);
  return events
    .filter((e) => e.event === 'entry' && e.id !== null)
    .map((e) => ({ cursor: e.id!, id: (e.data as { id: string }).id }));
}

describe.skipIf(skip)('live updates from the change feed', () => {
  const schema = uniqueSchema('parley_feed');
  const url = urlWithSchema(schema);
  const processes: ServeProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await dropSchemas([schema]);
  });

  it('shows a client of either process every entry written through both', async () => {
    const dataDir = join(tempDir(), 'node');
    cli(['init', '--data-dir', dataDir, '--party', 'RU', '--name', 'R', '--database-url', url], {
      PARLEY_ADMIN_PASSWORD: PASSWORD,
    });
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
    const a = await startServe(dataDir);
    const b = await startServe(dataDir);
    processes.push(a, b);
    // The first two entries of the channel are the charter and the key publication.
    const expected = ENTRIES + 2;
    const streams = Promise.all([
      readStream(a.url, token, expected, 20_000),
      readStream(b.url, token, expected, 20_000),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < ENTRIES; i += 1) {
      const target = i % 2 === 0 ? a : b;
      const response = await api(
        { url: target.url, tokens: { head: token } },
        'head',
        'POST',
        '/api/v1/channels/intel/entries',
        {
          kind: 'note',
          body: { text: `note ${i} through ${target === a ? 'A' : 'B'}` },
        },
      );
      expect(response.status).toBe(201);
    }
    const [onA, onB] = await streams;
    expect(onA).toHaveLength(expected);
    expect(onB).toEqual(onA);
    const cursors = onA.map((r) => r.cursor);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    expect(new Set(onA.map((r) => r.id)).size).toBe(expected);
  });
});
