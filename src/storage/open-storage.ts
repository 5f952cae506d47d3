/**
 * Chooses and opens a node's storage backend.
 *
 * SQLite (`parley.db` in the data directory) is the default and needs nothing. A node uses
 * PostgreSQL when a database URL is given: explicitly (`--database-url`), through
 * PARLEY_DATABASE_URL, or by `storage.json` in the data directory, which records the URL the node
 * was set up with (never its password: that comes from PGPASSWORD or PARLEY_DATABASE_URL) so that
 * later commands on the data directory open the same database.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDatabaseUrl, redactDatabaseUrl } from './postgres/database-url.js';
import { SqliteStorage } from './sqlite/sqlite-storage.js';
import type { MigrationPolicy } from './sql/schema.js';
import type { Storage } from './storage.js';

export const SQLITE_FILE = 'parley.db';
export const STORAGE_CONFIG_FILE = 'storage.json';
export const DATABASE_URL_ENV = 'PARLEY_DATABASE_URL';

/** What `storage.json` holds. */
export interface StorageConfig {
  engine: 'postgres';
  /** Without password. */
  url: string;
}

export interface OpenStorageOptions {
  /** A database URL given explicitly (a command-line flag); wins over everything else. */
  databaseUrl?: string;
  /** Where PARLEY_DATABASE_URL is read; process.env by default. */
  env?: Record<string, string | undefined>;
}

export type StorageChoice =
  | { engine: 'sqlite'; path: string }
  | {
      engine: 'postgres';
      /** The URL to connect with (may hold a password from the environment: never show it). */
      url: string;
      source: 'option' | 'environment' | 'storage.json';
    };

/** The storage configuration cannot be used as given; nothing was opened. */
export class StorageConfigError extends Error {
  override readonly name = 'StorageConfigError';
}

export function sqlitePath(dataDir: string): string {
  return join(dataDir, SQLITE_FILE);
}

export function storageConfigPath(dataDir: string): string {
  return join(dataDir, STORAGE_CONFIG_FILE);
}

/** Reads `storage.json`, or null when the data directory has none (a SQLite node). */
export function readStorageConfig(dataDir: string): StorageConfig | null {
  const path = storageConfigPath(dataDir);
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StorageConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const config = parsed as Partial<StorageConfig> | null;
  if (config?.engine !== 'postgres' || typeof config.url !== 'string') {
    throw new StorageConfigError(`${path} must hold {"engine": "postgres", "url": "postgres://…"}`);
  }
  return { engine: 'postgres', url: config.url };
}

/** Records the database URL (without its password) in `storage.json`, mode 0600. */
export function writeStorageConfig(dataDir: string, url: string): void {
  const config: StorageConfig = { engine: 'postgres', url: redactDatabaseUrl(url) };
  const path = storageConfigPath(dataDir);
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** A description of a choice that is safe to show (no password). */
export function describeStorage(choice: StorageChoice): string {
  if (choice.engine === 'sqlite') return `SQLite database ${choice.path}`;
  const { schema } = parseDatabaseUrl(choice.url);
  return `PostgreSQL schema '${schema}' at ${redactDatabaseUrl(choice.url)}`;
}

function sameDatabase(a: string, b: string): boolean {
  return redactDatabaseUrl(a) === redactDatabaseUrl(b);
}

/** Decides which backend and database a data directory's node uses, without opening anything. */
export function chooseStorage(dataDir: string, options: OpenStorageOptions = {}): StorageChoice {
  const env = options.env ?? process.env;
  const fromEnv = env[DATABASE_URL_ENV] || undefined;
  const saved = readStorageConfig(dataDir);
  const given = options.databaseUrl ?? fromEnv;
  if (given === undefined) {
    return saved
      ? { engine: 'postgres', url: saved.url, source: 'storage.json' }
      : { engine: 'sqlite', path: sqlitePath(dataDir) };
  }
  const source = options.databaseUrl !== undefined ? 'option' : 'environment';
  const what = source === 'option' ? '--database-url' : DATABASE_URL_ENV;
  try {
    parseDatabaseUrl(given);
  } catch (error) {
    throw new StorageConfigError(`${what}: ${(error as Error).message}`);
  }
  if (!saved && existsSync(sqlitePath(dataDir))) {
    throw new StorageConfigError(
      `${dataDir} holds a SQLite node (${SQLITE_FILE}) but ${what} is set; ` +
        'unset it to open this node (to move it to PostgreSQL: `parley export --all`, then `parley import --database-url`)',
    );
  }
  if (saved && source === 'environment' && !sameDatabase(given, saved.url)) {
    throw new StorageConfigError(
      `${DATABASE_URL_ENV} names ${redactDatabaseUrl(given)} but ${storageConfigPath(dataDir)} names ` +
        `${saved.url}; unset the variable, or pass --database-url to switch databases`,
    );
  }
  return { engine: 'postgres', url: given, source };
}

/** Opens the chosen backend; PostgreSQL support (the `pg` driver) is loaded only when used. */
export async function openChosenStorage(
  choice: StorageChoice,
  migrations: MigrationPolicy = 'apply',
): Promise<Storage> {
  if (choice.engine === 'sqlite') return SqliteStorage.open(choice.path, { migrations });
  const { PostgresStorage } = await import('./postgres/postgres-storage.js');
  return PostgresStorage.open(choice.url, { migrations });
}

/** Opens a data directory's storage: PostgreSQL when configured (see above), else SQLite. */
export async function openStorage(dataDir: string, options: OpenStorageOptions = {}): Promise<Storage> {
  return openChosenStorage(chooseStorage(dataDir, options));
}
