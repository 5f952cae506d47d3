/**
 * For tests that need a PostgreSQL server: where it is, whether it answers, and throw-away
 * schemas. The server is PARLEY_TEST_DATABASE_URL, by default the local one on 127.0.0.1:5432.
 *
 * Without a reachable server the PostgreSQL tests are skipped with a message, except in CI
 * (CI=true), which has the server: there they run and fail.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { QueryResult } from 'pg';
import { SCHEMA_NAME_PATTERN } from '../database-url.js';

export const TEST_DATABASE_URL =
  process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const IN_CI = process.env.CI === 'true';

/** Null when the server answers, else why not. Bounded to a few seconds. */
export async function probePostgres(url = TEST_DATABASE_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Probes once per test file: true when the PostgreSQL tests should be skipped (no server, not
 * in CI), after saying so on stderr.
 */
export async function skipWithoutPostgres(what: string): Promise<boolean> {
  const problem = await probePostgres();
  if (problem === null) return false;
  if (IN_CI) {
    process.stderr.write(`PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${problem}); CI requires it\n`);
    return false;
  }
  process.stderr.write(
    `skipping ${what}: no PostgreSQL at ${TEST_DATABASE_URL} (${problem}); ` +
      'start one or set PARLEY_TEST_DATABASE_URL (with CI=true these tests fail instead)\n',
  );
  return true;
}

/** A fresh schema name no other test uses. */
export function uniqueSchema(prefix = 'parley_t'): string {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  if (!SCHEMA_NAME_PATTERN.test(name)) throw new Error(`bad test schema name ${name}`);
  return name;
}

/** The test URL naming `schema`. */
export function urlWithSchema(schema: string, url = TEST_DATABASE_URL): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** Runs statements on the test database outside any node schema. */
export async function adminQuery(text: string, values: unknown[] = []): Promise<QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Drops test schemas (and everything in them). */
export async function dropSchemas(schemas: string[]): Promise<void> {
  for (const schema of schemas) {
    if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`refusing to drop '${schema}'`);
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}
