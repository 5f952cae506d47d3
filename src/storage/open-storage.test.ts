/**
 * Choosing a node's backend: SQLite by default, PostgreSQL from --database-url,
 * PARLEY_DATABASE_URL or the data directory's storage.json (which never holds a password).
 * Nothing here connects to a database.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  StorageConfigError,
  chooseStorage,
  describeStorage,
  openStorage,
  readStorageConfig,
  sqlitePath,
  storageConfigPath,
  writeStorageConfig,
} from './open-storage.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-open-storage-'));
  dirs.push(dir);
  return dir;
}

const URL_A = 'postgres://parley@127.0.0.1:5432/db?schema=node_a';
const URL_B = 'postgres://parley@127.0.0.1:5432/db?schema=node_b';

describe('openStorage / chooseStorage', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('uses SQLite in the data directory by default', async () => {
    const dir = dataDir();
    expect(chooseStorage(dir, { env: {} })).toEqual({ engine: 'sqlite', path: sqlitePath(dir) });
    const storage = await openStorage(dir, { env: {} });
    expect(storage.engine).toBe('sqlite');
    await storage.close();
    expect(existsSync(sqlitePath(dir))).toBe(true);
    expect(chooseStorage(dir, { env: { PARLEY_DATABASE_URL: '' } }).engine).toBe('sqlite');
  });

  it('uses PostgreSQL from the option, the environment or storage.json, in that order', () => {
    const dir = dataDir();
    expect(chooseStorage(dir, { env: { PARLEY_DATABASE_URL: URL_A } })).toEqual({
      engine: 'postgres',
      url: URL_A,
      source: 'environment',
    });
    expect(chooseStorage(dir, { databaseUrl: URL_B, env: { PARLEY_DATABASE_URL: URL_A } })).toMatchObject({
      url: URL_B,
      source: 'option',
    });
    writeStorageConfig(dir, URL_A);
    expect(chooseStorage(dir, { env: {} })).toEqual({
      engine: 'postgres',
      url: URL_A,
      source: 'storage.json',
    });
    // The environment may add the password to the recorded URL...
    const withPassword = 'postgres://parley:pw@127.0.0.1:5432/db?schema=node_a';
    expect(chooseStorage(dir, { env: { PARLEY_DATABASE_URL: withPassword } })).toMatchObject({
      url: withPassword,
    });
    // ...but not silently name another database; the option may (to move the node).
    expect(() => chooseStorage(dir, { env: { PARLEY_DATABASE_URL: URL_B } })).toThrow(StorageConfigError);
    expect(() => chooseStorage(dir, { env: { PARLEY_DATABASE_URL: URL_B } })).toThrow(
      /names .*node_b.*node_a/,
    );
    expect(chooseStorage(dir, { databaseUrl: URL_B, env: {} })).toMatchObject({ url: URL_B });
  });

  it('refuses a database URL for a data directory that holds a SQLite node', () => {
    const dir = dataDir();
    writeFileSync(sqlitePath(dir), '');
    expect(() => chooseStorage(dir, { env: { PARLEY_DATABASE_URL: URL_A } })).toThrow(/holds a SQLite node/);
    expect(() => chooseStorage(dir, { databaseUrl: URL_A, env: {} })).toThrow(/holds a SQLite node/);
  });

  it('rejects malformed URLs and schema names without echoing the URL', () => {
    const dir = dataDir();
    expect(() => chooseStorage(dir, { env: { PARLEY_DATABASE_URL: 'mysql://u:secret@h/db' } })).toThrow(
      /PARLEY_DATABASE_URL: .*postgres:\/\//,
    );
    expect(() => chooseStorage(dir, { databaseUrl: 'postgres://u@h/db?schema=Bad-Name', env: {} })).toThrow(
      /--database-url: schema name 'Bad-Name'/,
    );
    let message = '';
    try {
      chooseStorage(dir, { env: { PARLEY_DATABASE_URL: 'postgres://u:secret@[bad/db' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not a valid URL/);
    expect(message).not.toContain('secret');
  });

  it('records the URL without its password in a 0600 storage.json', () => {
    const dir = dataDir();
    writeStorageConfig(dir, 'postgres://parley:s3cret@db.example:5432/parley?schema=node_a');
    const path = storageConfigPath(dir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain('s3cret');
    expect(readStorageConfig(dir)).toEqual({
      engine: 'postgres',
      url: 'postgres://parley@db.example:5432/parley?schema=node_a',
    });
    const choice = chooseStorage(dir, { env: {} });
    expect(describeStorage(choice)).toBe(
      "PostgreSQL schema 'node_a' at postgres://parley@db.example:5432/parley?schema=node_a",
    );
    writeFileSync(path, '{"engine":"oracle"}');
    expect(() => readStorageConfig(dir)).toThrow(StorageConfigError);
  });
});
