/**
 * A node's data directory: `node.key` (the node's Ed25519 private key: PEM, sealed under a
 * passphrase, or a reference to a PKCS#11 token; node-key.ts; mode 0600) and
 * either `parley.db` (SQLite) or `storage.json` (the PostgreSQL URL without password, 0600).
 * The directory itself is 0700: nothing in it is for other users.
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE, sqlitePath, storageConfigPath } from '../storage/open-storage.js';
import { ParleyError } from '../core/errors.js';
import {
  nodeKeyFileText,
  passphraseFromEnv,
  pemOf,
  plainKeyOf,
  readNodeKeyFile,
  sealNodeKey,
  unsealNodeKey,
  type NodeKeyCustody,
} from './node-key.js';
import { openTokenKey, pinFromEnv } from './node-key-pkcs11.js';

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

/**
 * Writes the node key (PKCS#8 DER, base64): as PEM, or sealed under `passphrase` when one is
 * given; refuses to overwrite an existing key.
 */
export function writeNodeKey(dataDir: string, privateKey: string, passphrase?: string): void {
  const text = passphrase ? nodeKeyFileText(sealNodeKey(privateKey, passphrase)) : pemOf(privateKey);
  writeFileSync(nodeKeyPath(dataDir), text, { mode: 0o600, flag: 'wx' });
  chmodSync(nodeKeyPath(dataDir), 0o600);
}

/** Refuses a node key file that other users could read. */
function checkNodeKeyMode(path: string): void {
  if (!existsSync(path)) return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ParleyError(
      'forbidden',
      `${path} has mode ${mode.toString(8)}; the node key must be readable by its owner only (chmod 600 ${path})`,
    );
  }
}

/**
 * Reads the node key: a plain key, one sealed under the passphrase from the environment, or a
 * handle of the key in a PKCS#11 token (logged in with the PIN from the environment). What is
 * returned goes wherever a private key goes (core/keys.ts). Refuses a key file that other users
 * could read, a missing or wrong passphrase or PIN, naming the variable to set.
 */
export function readNodeKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = nodeKeyPath(dataDir);
  checkNodeKeyMode(path);
  const file = readNodeKeyFile(path);
  switch (file.custody) {
    case 'plain':
      return plainKeyOf(file);
    case 'passphrase':
      return unsealNodeKey(file, passphraseFromEnv(env), path);
    case 'pkcs11':
      return openTokenKey(file, pinFromEnv(env));
  }
}

/** How the node key of a data directory is kept, and its public key when the file records it. */
export function nodeKeyCustody(dataDir: string): { custody: NodeKeyCustody; path: string } {
  const path = nodeKeyPath(dataDir);
  checkNodeKeyMode(path);
  return { custody: readNodeKeyFile(path).custody, path };
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
