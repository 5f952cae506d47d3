/**
 * Ed25519 keys and signatures with Node's `crypto`. Public keys travel as base64 of the raw
 * 32 bytes; KeyObjects are cached because importing a key costs more than a verification.
 * Every signature covers a domain tag, so a signature made for one purpose (an entry) can never
 * be replayed as another (a federation request, a checkpoint).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { sha256 } from './hash.js';

/** Domain tags, one per thing that is signed. */
export const SIGNING_DOMAIN = {
  entry: 'parley/entry/v1\n',
  request: 'parley/request/v1\n',
  /** An event of the security audit trail (its hash); workflows/audit-trail. */
  auditEvent: 'parley/audit-event/v1\n',
  /** The head of the security audit trail (`seq\nhash\n`). */
  auditHead: 'parley/audit-head/v1\n',
  /** An escalation webhook: `timestamp\nbody` (core/webhook-signature.ts). */
  webhook: 'parley/webhook/v1\n',
} as const;

export interface KeyPair {
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  /** PKCS#8 DER private key, base64. */
  privateKey: string;
}

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: rawPublicKey(publicKey).toString('base64'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length);
}

const publicKeyCache = new Map<string, KeyObject>();
const privateKeyCache = new Map<string, KeyObject>();

/** Imports a base64 raw public key; throws InvalidKeyError when it is not 32 bytes. */
export function publicKeyObject(publicKey: string): KeyObject {
  let key = publicKeyCache.get(publicKey);
  if (!key) {
    const raw = Buffer.from(publicKey, 'base64');
    if (raw.length !== 32 || raw.toString('base64') !== publicKey) throw new InvalidKeyError();
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeyCache.size > 10_000) publicKeyCache.clear();
    publicKeyCache.set(publicKey, key);
  }
  return key;
}

/**
 * A private key that never leaves a device (a PKCS#11 token): it signs in place. Registered under
 * a handle that stands where a base64 PKCS#8 key would, so every signer in the code (entries,
 * checkpoints, requests) accepts it unchanged; only the calling thread can use it.
 */
export interface ExternalSigner {
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  sign(bytes: Buffer): Buffer;
}

const EXTERNAL_PREFIX = 'external-key:';
const externalSigners = new Map<string, ExternalSigner>();

/** Registers a device-held key and returns the handle to pass wherever a private key goes. */
export function registerExternalSigner(name: string, signer: ExternalSigner): string {
  const handle = `${EXTERNAL_PREFIX}${name}:${externalSigners.size}`;
  externalSigners.set(handle, signer);
  return handle;
}

/** True for a handle of a device-held key (it cannot be sent to a worker thread). */
export function isExternalKey(privateKey: string): boolean {
  return privateKey.startsWith(EXTERNAL_PREFIX);
}

/** Signs raw bytes with a PKCS#8 key or a device-held key's handle. */
export function signBytes(privateKey: string, bytes: Buffer): Buffer {
  const external = externalSigners.get(privateKey);
  if (external) return external.sign(bytes);
  return sign(null, bytes, privateKeyObject(privateKey));
}

export function privateKeyObject(privateKey: string): KeyObject {
  let key = privateKeyCache.get(privateKey);
  if (!key) {
    key = createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    if (privateKeyCache.size > 10_000) privateKeyCache.clear();
    privateKeyCache.set(privateKey, key);
  }
  return key;
}

const publicKeyOfCache = new Map<string, string>();

/** The raw public key (base64) of a private key; memoised, since checkpoints need it per commit. */
export function publicKeyOf(privateKey: string): string {
  const external = externalSigners.get(privateKey);
  if (external) return external.publicKey;
  let publicKey = publicKeyOfCache.get(privateKey);
  if (publicKey === undefined) {
    publicKey = rawPublicKey(createPublicKey(privateKeyObject(privateKey))).toString('base64');
    if (publicKeyOfCache.size > 10_000) publicKeyOfCache.clear();
    publicKeyOfCache.set(privateKey, publicKey);
  }
  return publicKey;
}

// One buffer for domain || message: a string concatenation encoded once is cheaper than
// encoding both and concatenating buffers.
function signedBytes(domain: string, message: string | Uint8Array): Buffer {
  return typeof message === 'string'
    ? Buffer.from(domain + message, 'utf8')
    : Buffer.concat([Buffer.from(domain), message]);
}

/** Signs `domain || message` and returns the base64 signature. */
export function signMessage(privateKey: string, domain: string, message: string | Uint8Array): string {
  return signBytes(privateKey, signedBytes(domain, message)).toString('base64');
}

/** Verifies a base64 signature over `domain || message`; false for any malformed input. */
export function verifyMessage(
  publicKey: string,
  domain: string,
  message: string | Uint8Array,
  signature: string,
): boolean {
  try {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length !== 64) return false;
    return verify(null, signedBytes(domain, message), publicKeyObject(publicKey), sig);
  } catch {
    return false;
  }
}

/**
 * A key's fingerprint for out-of-band comparison: `SHA256:` and the first 16 bytes of the
 * SHA-256 of the raw public key, hex in groups of four.
 */
export function fingerprint(publicKey: string): string {
  const hex = sha256(Buffer.from(publicKey, 'base64')).subarray(0, 16).toString('hex');
  return `SHA256:${hex.match(/.{4}/g)!.join(':')}`;
}

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  constructor() {
    super('public key must be 32 bytes of base64');
  }
}
