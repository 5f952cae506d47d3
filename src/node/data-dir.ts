/**
 * A node's data directory: `node.key` (the node's Ed25519 private key, PEM, mode 0600) and
 * either `parley.db` (SQLite) or `storage.json` (the PostgreSQL URL without password, 0600).
 * The directory itself is 0700: nothing in it is for other users.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { SQLITE_FILE, sqlitePath, storageConfigPath } from '../storage/open-storage.js';
import { ParleyError } from '../core/errors.js';

export const NODE_KEY_FILE = 'node.key';
export const DATABASE_FILE = SQLITE_FILE;

export function nodeKeyPath(dataDir: string): string {
  return join(dataDir, NODE_KEY_FILE);
}

/** The SQLite database of a node that uses SQLite (the default). */
export function databasePath(dataDir: string): string {
  return sqlitePath(dataDir);
}

export function isInitialised(dataDir: string): boolean {
  return (
    existsSync(nodeKeyPath(dataDir)) ||
    existsSync(databasePath(dataDir)) ||
    existsSync(storageConfigPath(dataDir))
  );
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/** Writes the node key (PKCS#8 DER, base64) as PEM; refuses to overwrite an existing key. */
export function writeNodeKey(dataDir: string, privateKey: string): void {
  const pem = createPrivateKey({
    key: Buffer.from(privateKey, 'base64'),
    format: 'der',
    type: 'pkcs8',
  }).export({
    format: 'pem',
    type: 'pkcs8',
  });
  writeFileSync(nodeKeyPath(dataDir), pem, { mode: 0o600, flag: 'wx' });
  chmodSync(nodeKeyPath(dataDir), 0o600);
}

/** Reads the node key; refuses a key file that other users could read. */
export function readNodeKey(dataDir: string): string {
  const path = nodeKeyPath(dataDir);
  if (!existsSync(path)) {
    throw new ParleyError('not_found', `no node key at ${path}: run \`parley init\` first`);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ParleyError(
      'forbidden',
      `${path} has mode ${mode.toString(8)}; the node key must be readable by its owner only (chmod 600)`,
    );
  }
  const key = createPrivateKey(readFileSync(path));
  return key.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/**
 * Refuses a data directory whose contents other users could read: the directory itself, the
 * SQLite database and its -wal/-shm files (the whole log, tokens' hashes, sessions), and the
 * node key. Checked before the node starts serving (README "Security"); files not there are fine.
 */
export function checkDataDirPermissions(dataDir: string): void {
  const problems: string[] = [];
  const check = (path: string, fix: string): void => {
    if (!existsSync(path)) return;
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) problems.push(`${path} has mode ${mode.toString(8)} (fix: ${fix} ${path})`);
  };
  check(dataDir, 'chmod 700');
  for (const suffix of ['', '-wal', '-shm']) check(`${databasePath(dataDir)}${suffix}`, 'chmod 600');
  check(nodeKeyPath(dataDir), 'chmod 600');
  check(storageConfigPath(dataDir), 'chmod 600');
  if (problems.length > 0) {
    throw new ParleyError(
      'forbidden',
      `refusing to start: other users can read the node's data: ${problems.join('; ')}`,
    );
  }
}

/** Refuses a private key file (the TLS key) that other users could read. */
export function checkPrivateFile(path: string, what: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ParleyError(
      'forbidden',
      `refusing to start: ${what} ${path} has mode ${mode.toString(8)}; it must be readable by its owner only (chmod 600 ${path})`,
    );
  }
}
