/**
 * Schema upgrades are a deliberate step: `parley serve` and the data-directory commands refuse a
 * database with pending migrations (naming what to do), `parley migrate` applies them, and then
 * the node serves as before. Run on PostgreSQL, whose schema has a second migration; the schema is
 * set back to version 1 by hand, as an older build would have left it.
 *
 * Needs a PostgreSQL server (PARLEY_TEST_DATABASE_URL, default 127.0.0.1:5432/test): skipped
 * without one, failing in CI (CI=true). The run uses its own schema and drops it.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  dropSchemas,
  skipWithoutPostgres,
  uniqueSchema,
  urlWithSchema,
} from '../src/storage/postgres/test-support/postgres-server.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/storage/postgres/migrations.js';
import { migrate } from '../src/storage/sqlite/migrations.js';
import { SchemaPendingError, type Migration } from '../src/storage/sql/schema.js';
import { PASSWORD, runCli, startServe, tempDir } from './support/node-process.js';

const skip = await skipWithoutPostgres('the migration test');

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { PARLEY_DATABASE_URL: '', ...env });
}

describe('migrations applied or refused', () => {
  it('creates a new database whatever the policy, and refuses to migrate an older one unless asked', () => {
    const first: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER);' };
    const second: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER);' };
    const db = new Database(':memory:');
    expect(migrate(db, [first], Date.now, 'refuse')).toEqual([1]);
    expect(() => migrate(db, [first, second], Date.now, 'refuse')).toThrow(SchemaPendingError);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'two'").get()).toBeUndefined();
    expect(migrate(db, [first, second], Date.now, 'apply')).toEqual([2]);
    db.close();
  });
});

describe.skipIf(skip)('parley migrate', () => {
  const schema = uniqueSchema('parley_mig');
  const url = urlWithSchema(schema);
  afterAll(() => dropSchemas([schema]));

  it('is needed before serve runs on an older schema, and then the node serves', async () => {
    const dataDir = join(tempDir(), 'node');
    const init = cli(['init', '--data-dir', dataDir, '--party', 'RU', '--name', 'R', '--database-url', url], {
      PARLEY_ADMIN_PASSWORD: PASSWORD,
    });
    expect(init.status).toBe(0);
    // What a build before the change feed left: version 1, without the later migrations' tables.
    await adminQuery(`DROP TABLE ${schema}.feed_lock`);
    await adminQuery(`DROP TABLE ${schema}.idempotency_keys`);
    await adminQuery(`DROP TABLE ${schema}.node_key_rotations`);
    await adminQuery(`DROP INDEX ${schema}.api_tokens_principal, ${schema}.sessions_principal`);
    await adminQuery(`ALTER TABLE ${schema}.api_tokens DROP COLUMN expires_at`);
    await adminQuery(`ALTER TABLE ${schema}.sessions DROP COLUMN last_seen_at`);
    await adminQuery(`DROP TABLE ${schema}.passkeys, ${schema}.passkey_challenges`);
    await adminQuery(`ALTER TABLE ${schema}.sessions DROP COLUMN pending_factor`);
    await adminQuery(`DROP TABLE ${schema}.security_events, ${schema}.security_trail_head`);
    await adminQuery(`ALTER TABLE ${schema}.api_tokens DROP COLUMN last_used_at`);
    await adminQuery(`DROP TABLE ${schema}.leases, ${schema}.node_clock`);
    await adminQuery(`ALTER TABLE ${schema}.entries DROP COLUMN natural_key`);
    await adminQuery(`DROP TABLE ${schema}.calendar_feeds`);
    await adminQuery(`ALTER TABLE ${schema}.sessions DROP COLUMN wrapped_key`);
    await adminQuery(`ALTER TABLE ${schema}.api_tokens DROP COLUMN wrapped_key`);
    await adminQuery(`DROP TABLE ${schema}.search_docs`);
    await adminQuery(
      `DROP TABLE ${schema}.alert_people, ${schema}.alert_offices, ${schema}.watch_shifts, ${schema}.alert_deliveries, ${schema}.alert_cursors`,
    );
    await adminQuery(`DELETE FROM ${schema}.schema_migrations WHERE version > 1`);
    const later = MIGRATIONS.map((m) => m.version).filter((v) => v > 1);

    const refused = cli(['office', 'list', '--data-dir', dataDir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`schema version 1 is older than this build's ${LATEST_SCHEMA_VERSION}.*parley migrate`),
    );
    await expect(startServe(dataDir)).rejects.toThrow(/parley migrate.*parley serve --migrate/);

    const migrated = cli(['migrate', '--data-dir', dataDir, '--json']);
    expect(migrated.stderr).toBe('');
    expect(migrated.status).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ storage: 'postgres', applied: later });
    const again = cli(['migrate', '--data-dir', dataDir]);
    expect(again.stdout).toMatch(/current; nothing to migrate/);

    const node = await startServe(dataDir);
    try {
      const health = await fetch(`${node.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await node.stop();
    }
  });
});
