/**
 * A node on PostgreSQL, end to end with real processes: `parley init --database-url`, the data-dir
 * commands, `parley serve`, clients appending over HTTP, `kill -9` mid-write, restart, and then
 * every acknowledged entry must be in the database and `parley verify` must pass.
 *
 * Needs a PostgreSQL server (PARLEY_TEST_DATABASE_URL, default 127.0.0.1:5432/test): skipped
 * without one, failing in CI (CI=true). Each run uses its own schema and drops it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../src/storage/postgres/postgres-storage.js';
import {
  dropSchemas,
  skipWithoutPostgres,
  uniqueSchema,
  urlWithSchema,
} from '../src/storage/postgres/test-support/postgres-server.js';
import { PASSWORD, runCli, startServe, tempDir } from './support/node-process.js';
import { hammer, type Accepted } from './support/append-load.js';

const skip = await skipWithoutPostgres('the PostgreSQL node test');

const CYCLES = 2;
const CLIENTS = 8;
/** A password the trust-auth test server ignores; it must never reach disk or a log. */
const FAKE_PASSWORD = 'not-a-real-s3cret';

function cli(args: string[], env: Record<string, string> = {}): string {
  // An inherited PARLEY_DATABASE_URL must not redirect these commands.
  const result = runCli(args, { PARLEY_DATABASE_URL: '', ...env });
  if (result.status !== 0) throw new Error(`parley ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe.skipIf(skip)('a node on PostgreSQL', () => {
  const schema = uniqueSchema('parley_e2e');
  const url = urlWithSchema(schema);
  afterAll(() => dropSchemas([schema]));

  it('refuses a password in --database-url', () => {
    const withPassword = new URL(url);
    withPassword.password = FAKE_PASSWORD;
    const dataDir = join(tempDir(), 'node');
    const result = runCli(
      [
        'init',
        '--data-dir',
        dataDir,
        '--party',
        'RU',
        '--name',
        'R',
        '--database-url',
        withPassword.toString(),
      ],
      { PARLEY_ADMIN_PASSWORD: PASSWORD },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/must not contain a password.*PGPASSWORD/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('keeps every acknowledged entry across kill -9 and verifies after each restart', async () => {
    const dataDir = join(tempDir(), 'node');
    const init = JSON.parse(
      cli(
        [
          'init',
          '--data-dir',
          dataDir,
          '--party',
          'RU',
          '--name',
          'Russian Federation',
          '--database-url',
          url,
          '--json',
        ],
        {
          PARLEY_ADMIN_PASSWORD: PASSWORD,
        },
      ),
    ) as { storage: string };
    expect(init.storage).toBe('postgres');
    // The URL is recorded (0600) for later commands; there is no SQLite file.
    const configPath = join(dataDir, 'storage.json');
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ engine: 'postgres', url });
    expect(existsSync(join(dataDir, 'parley.db'))).toBe(false);

    cli(['office', 'add', 'svr', 'Foreign Intelligence Service', '--data-dir', dataDir]);
    cli(['user', 'add', 'svr-head', '--office', 'svr', '--role', 'head', '--data-dir', dataDir], {
      PARLEY_PASSWORD: PASSWORD,
    });
    cli([
      'channel',
      'create',
      'intel',
      '--name',
      'Intelligence',
      '--offices',
      'svr',
      '--languages',
      'ru,en',
      '--data-dir',
      dataDir,
    ]);
    // Made with the person's own password, so the token carries the unlocked signing key.
    const { token } = JSON.parse(
      cli(['token', 'create', 'svr-head', '--data-dir', dataDir, '--json'], { PARLEY_PASSWORD: PASSWORD }),
    ) as {
      token: string;
    };

    // The password may come with PARLEY_DATABASE_URL: it is used, never stored or logged.
    const withPassword = new URL(url);
    withPassword.password = FAKE_PASSWORD;
    const serveEnv = { PARLEY_DATABASE_URL: withPassword.toString() };

    const accepted: Accepted[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      const node = await startServe(dataDir, ['--log-level', 'info'], serveEnv);
      const stop = new AbortController();
      const before = accepted.length;
      const writers = Array.from({ length: CLIENTS }, (_, c) =>
        hammer(node.url, token, stop.signal, accepted, `c${cycle}w${c}`),
      );
      const deadline = Date.now() + 8_000;
      while (accepted.length - before < 150 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await node.kill9();
      stop.abort();
      await Promise.all(writers);
      expect(accepted.length - before).toBeGreaterThan(0);
      expect(node.output()).toContain('"storage":"postgres"');
      expect(node.output()).not.toContain(FAKE_PASSWORD);

      const storage = await PostgresStorage.open(url);
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
      const verify = runCli(['verify', '--data-dir', dataDir, '--json'], { PARLEY_DATABASE_URL: '' });
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, failures: [] });
    }
    expect(readFileSync(configPath, 'utf8')).not.toContain(FAKE_PASSWORD);
  });
});
