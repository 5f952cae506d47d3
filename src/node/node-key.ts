/**
 * Custody of the node key (README "Security"). The file `node.key` in the data directory holds
 * the node's Ed25519 key in one of three forms:
 *
 * - plain: PKCS#8 PEM, as `parley init` writes it by default;
 * - passphrase: the PKCS#8 key sealed with AES-256-GCM under a key derived by scrypt from a
 *   passphrase (N=2^17, r=8, p=1: above OWASP's minimum for scrypt), which the node reads from
 *   PARLEY_NODE_KEY_PASSPHRASE or the file PARLEY_NODE_KEY_PASSPHRASE_FILE names — never from the
 *   command line, where other users could see it in the process list;
 * - pkcs11: no key at all, only where it lives (module, token label, key label) and its public
 *   key; the PIN comes from PARLEY_PKCS11_PIN or PARLEY_PKCS11_PIN_FILE (node-key-pkcs11.ts).
 *
 * The sealed and the PKCS#11 forms are JSON, so a glance at the file tells which one it is. The
 * public key is recorded beside the sealed key and bound to it (authenticated data), so a wrong
 * passphrase and a swapped file are told apart from a corrupted one.
 */
import { createPrivateKey, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { ParleyError } from '../core/errors.js';
import { publicKeyOf } from '../core/keys.js';
import { openSealed, sealBytes } from '../core/seal.js';

export const NODE_KEY_FORMAT = 'parley-node-key/v1';

export const PASSPHRASE_ENV = 'PARLEY_NODE_KEY_PASSPHRASE';
export const PASSPHRASE_FILE_ENV = 'PARLEY_NODE_KEY_PASSPHRASE_FILE';

/** scrypt cost: 128 MiB and about half a second per unlock, once per start. */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const SCRYPT_MAXMEM = 256 * 1024 * 1024;
const MIN_PASSPHRASE_LENGTH = 12;

export interface SealedNodeKey {
  format: typeof NODE_KEY_FORMAT;
  custody: 'passphrase';
  publicKey: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface Pkcs11NodeKey {
  format: typeof NODE_KEY_FORMAT;
  custody: 'pkcs11';
  publicKey: string;
  /** Path of the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so). */
  module: string;
  tokenLabel: string;
  keyLabel: string;
}

export type NodeKeyFile = { custody: 'plain'; pem: string } | SealedNodeKey | Pkcs11NodeKey;
export type NodeKeyCustody = NodeKeyFile['custody'];

/** Parses the content of a node.key file into its form; throws naming the file when it is none. */
export function parseNodeKeyFile(text: string, path: string): NodeKeyFile {
  if (text.includes('-----BEGIN PRIVATE KEY-----')) return { custody: 'plain', pem: text };
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new ParleyError(
      'validation_failed',
      `${path} is an OpenSSL-encrypted key; seal it with \`parley node-key encrypt\` from a plain key instead`,
    );
  }
  let parsed: Partial<SealedNodeKey | Pkcs11NodeKey>;
  try {
    parsed = JSON.parse(text) as Partial<SealedNodeKey | Pkcs11NodeKey>;
  } catch {
    throw new ParleyError('validation_failed', `${path} is neither a PEM private key nor a sealed node key`);
  }
  if (parsed.format !== NODE_KEY_FORMAT || (parsed.custody !== 'passphrase' && parsed.custody !== 'pkcs11')) {
    throw new ParleyError('validation_failed', `${path} is not a node key of a format this Parley knows`);
  }
  return parsed as SealedNodeKey | Pkcs11NodeKey;
}

/** Reads and parses the node key file (permissions are checked by the caller). */
export function readNodeKeyFile(path: string): NodeKeyFile {
  if (!existsSync(path)) {
    throw new ParleyError('not_found', `no node key at ${path}: run \`parley init\` first`);
  }
  return parseNodeKeyFile(readFileSync(path, 'utf8'), path);
}

/** PKCS#8 DER (base64) of a plain PEM key. */
export function plainKeyOf(file: { pem: string }): string {
  return createPrivateKey(file.pem).export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/** PEM of a PKCS#8 DER key (base64). */
export function pemOf(privateKey: string): string {
  return createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

/**
 * The node key's passphrase from the environment: PARLEY_NODE_KEY_PASSPHRASE, or the first line
 * of the file PARLEY_NODE_KEY_PASSPHRASE_FILE names (which must be readable by its owner only).
 * Null when neither is set.
 */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const direct = env[PASSPHRASE_ENV];
  const file = env[PASSPHRASE_FILE_ENV];
  if (direct && file) {
    throw new ParleyError('validation_failed', `set ${PASSPHRASE_ENV} or ${PASSPHRASE_FILE_ENV}, not both`);
  }
  if (direct) return direct;
  if (!file) return null;
  return readSecretFile(file, PASSPHRASE_FILE_ENV);
}

/** The first line of a secret's file; refuses a file other users could read. */
export function readSecretFile(path: string, variable: string): string {
  if (!existsSync(path))
    throw new ParleyError('not_found', `${variable} names ${path}, which does not exist`);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ParleyError(
      'forbidden',
      `${path} (${variable}) has mode ${mode.toString(8)}; it must be readable by its owner only (chmod 600 ${path})`,
    );
  }
  const secret = readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? '';
  if (!secret) throw new ParleyError('validation_failed', `${path} (${variable}) is empty`);
  return secret;
}

/** A passphrase good enough to seal a node key with. */
export function checkNewPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new ParleyError(
      'validation_failed',
      `the node key passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
}

function kek(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { ...kdf, maxmem: SCRYPT_MAXMEM });
}

/** Seals a PKCS#8 DER key (base64) under a passphrase. */
export function sealNodeKey(privateKey: string, passphrase: string): SealedNodeKey {
  checkNewPassphrase(passphrase);
  const publicKey = publicKeyOf(privateKey);
  const salt = randomBytes(16);
  const sealed = sealBytes(
    kek(passphrase, salt, SCRYPT),
    Buffer.from(privateKey, 'base64'),
    `${NODE_KEY_FORMAT}\n${publicKey}`,
  );
  return {
    format: NODE_KEY_FORMAT,
    custody: 'passphrase',
    publicKey,
    kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: sealed.iv,
    tag: sealed.tag,
    ciphertext: sealed.ciphertext,
  };
}

/** Opens a sealed key; a wrong passphrase is refused with a message that says so. */
export function unsealNodeKey(sealed: SealedNodeKey, passphrase: string | null, path: string): string {
  if (passphrase === null) {
    throw new ParleyError(
      'forbidden',
      `the node key in ${path} is encrypted: set ${PASSPHRASE_ENV}, or ${PASSPHRASE_FILE_ENV} to a file holding the passphrase`,
    );
  }
  const { N, r, p } = sealed.kdf;
  if (sealed.kdf.name !== 'scrypt' || ![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new ParleyError('validation_failed', `${path}: unknown key derivation`);
  }
  const opened = openSealed(
    kek(passphrase, Buffer.from(sealed.kdf.salt, 'base64'), { N, r, p }),
    sealed,
    `${NODE_KEY_FORMAT}\n${sealed.publicKey}`,
  );
  if (!opened) {
    throw new ParleyError(
      'forbidden',
      `wrong passphrase for the node key in ${path} (${PASSPHRASE_ENV} / ${PASSPHRASE_FILE_ENV})`,
    );
  }
  const privateKey = opened.toString('base64');
  if (publicKeyOf(privateKey) !== sealed.publicKey) {
    throw new ParleyError('forbidden', `${path}: the sealed key does not match its recorded public key`);
  }
  return privateKey;
}

/**
 * Replaces the node key file atomically (a temporary file renamed over it), mode 0600, so a
 * crash leaves either the old or the new form, never half of one.
 */
export function replaceNodeKeyFile(path: string, content: string): void {
  const temporary = `${path}.new`;
  writeFileSync(temporary, content, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** The text of a sealed or PKCS#11 node key file. */
export function nodeKeyFileText(file: SealedNodeKey | Pkcs11NodeKey): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
