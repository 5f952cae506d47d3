/**
 * Changing how a data directory keeps its node key (`parley node-key …`): sealing a plain key
 * under a passphrase, or moving it into a PKCS#11 token. The key itself stays the same, so
 * peers' pins and every signature made with it stay valid. The old file is replaced atomically;
 * a running node keeps the key it loaded until it restarts.
 */
import { ParleyError } from '../core/errors.js';
import { fingerprint, publicKeyOf } from '../core/keys.js';
import { nodeKeyPath, readNodeKey } from './data-dir.js';
import {
  NODE_KEY_FORMAT,
  nodeKeyFileText,
  readNodeKeyFile,
  replaceNodeKeyFile,
  sealNodeKey,
  type NodeKeyCustody,
  type Pkcs11NodeKey,
} from './node-key.js';
import { importIntoToken, openTokenKey } from './node-key-pkcs11.js';

export interface CustodyReport {
  path: string;
  custody: NodeKeyCustody;
  fingerprint: string;
  token?: { module: string; tokenLabel: string; keyLabel: string };
}

/** How the node key is kept; opens it (with the passphrase or PIN from the environment) to prove it. */
export function describeNodeKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): CustodyReport {
  const path = nodeKeyPath(dataDir);
  const key = readNodeKey(dataDir, env);
  const file = readNodeKeyFile(path);
  return {
    path,
    custody: file.custody,
    fingerprint: fingerprint(publicKeyOf(key)),
    ...(file.custody === 'pkcs11'
      ? { token: { module: file.module, tokenLabel: file.tokenLabel, keyLabel: file.keyLabel } }
      : {}),
  };
}

/** Seals a plain node key under `passphrase`. */
export function encryptNodeKey(dataDir: string, passphrase: string): CustodyReport {
  const path = nodeKeyPath(dataDir);
  const file = readNodeKeyFile(path);
  if (file.custody !== 'plain') {
    throw new ParleyError(
      'already_exists',
      `the node key in ${path} is already kept ${custodyText(file.custody)}`,
    );
  }
  const key = readNodeKey(dataDir, {});
  replaceNodeKeyFile(path, nodeKeyFileText(sealNodeKey(key, passphrase)));
  return { path, custody: 'passphrase', fingerprint: fingerprint(publicKeyOf(key)) };
}

/**
 * Copies the node key (plain, or sealed: the passphrase comes from the environment) into a
 * PKCS#11 token as a non-extractable key, checks the token signs as the node, then replaces
 * node.key by a reference to the token.
 */
export function importNodeKeyIntoToken(
  dataDir: string,
  token: { module: string; tokenLabel: string; keyLabel: string },
  pin: string,
  env: NodeJS.ProcessEnv = process.env,
): CustodyReport {
  const path = nodeKeyPath(dataDir);
  const file = readNodeKeyFile(path);
  if (file.custody === 'pkcs11') {
    throw new ParleyError('already_exists', `the node key in ${path} is already in a PKCS#11 token`);
  }
  const key = readNodeKey(dataDir, env);
  const publicKey = publicKeyOf(key);
  importIntoToken(key, publicKey, token, pin);
  const reference: Pkcs11NodeKey = { format: NODE_KEY_FORMAT, custody: 'pkcs11', publicKey, ...token };
  openTokenKey(reference, pin);
  replaceNodeKeyFile(path, nodeKeyFileText(reference));
  return { path, custody: 'pkcs11', fingerprint: fingerprint(publicKey), token };
}

export function custodyText(custody: NodeKeyCustody): string {
  return {
    plain: 'in plain (readable by anyone who can read the file)',
    passphrase: 'sealed under a passphrase',
    pkcs11: 'in a PKCS#11 token',
  }[custody];
}
