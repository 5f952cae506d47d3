/**
 * Custody of people's signing keys (README "Security", "People's keys"). A copy of the database
 * or of a backup must not be enough to sign as anyone, so `principals.private_key` holds the
 * person's Ed25519 key sealed (AES-256-GCM, core/seal.ts) under a key derived with scrypt from
 * the person's password and a salt of its own:
 *
 *     sealed-v1$N=131072,r=8,p=1$<salt>$<iv>$<tag>$<ciphertext>
 *
 * The node can open it only while it holds the password, that is during a login. The opened key
 * is then wrapped again for the credential the login makes — the session row, or an API token the
 * person creates — under a key derived (HKDF-SHA256, RFC 5869) from that credential's secret,
 * which the node never stores (only its SHA-256):
 *
 *     wrapped-v1$<iv>$<tag>$<ciphertext>
 *
 * so each request that presents the cookie or the token can unwrap it, and deleting the session
 * or the token destroys the copy. The associated data binds every sealed form to its purpose,
 * the principal and the public key, so a value copied to another person's row does not open.
 *
 * A key stored before this existed is plain PKCS#8 (base64); it is sealed at the person's next
 * successful login (`key_sealed` in the audit trail). Nothing converts keys without a password.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { publicKeyOf } from '../../core/keys.js';
import { openSealed, sealBytes } from '../../core/seal.js';
import { DEFAULT_PARAMS, passwordKey, type ScryptParams } from './password.js';

const SEALED_PREFIX = 'sealed-v1';
/**
 * What `principals.private_key` holds after an administrator revoked the key (key-rotation.ts):
 * nothing opens it, so nothing signs as the person until they rotate with their password.
 */
export const REVOKED_KEY = 'revoked-v1$';
const WRAPPED_PREFIX = 'wrapped-v1';
const SEALED =
  /^sealed-v1\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;
const WRAPPED = /^wrapped-v1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;
/** As password.ts: a tampered row cannot make an unlock exhaust memory. */
const MAX_N = 2 ** 20;

/** What a wrapped copy is for: it opens only for the same purpose. */
export type KeyPurpose = 'password' | 'session' | 'token';

function aad(purpose: KeyPurpose, principal: string, publicKey: string): string {
  return `parley-person-key/v1\n${purpose}\n${principal}\n${publicKey}`;
}

/** Whether a stored private key is sealed (true) or a plain key from before sealing (false). */
export function isSealedKey(stored: string): boolean {
  return stored.startsWith(`${SEALED_PREFIX}$`);
}

/** Whether a value is a usable plain PKCS#8 key (what an unlocked actor carries). */
function isPlainKey(value: string): boolean {
  return value !== '' && !value.includes('$');
}

/** Seals a plain key under the person's password (a fresh salt each time). */
export async function sealPersonKey(
  privateKey: string,
  password: string,
  principal: string,
  publicKey: string,
): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = DEFAULT_PARAMS;
  const sealed = sealBytes(
    await passwordKey(password, salt),
    Buffer.from(privateKey, 'base64'),
    aad('password', principal, publicKey),
  );
  return `${SEALED_PREFIX}$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${sealed.iv}$${sealed.tag}$${sealed.ciphertext}`;
}

/** Opens a sealed key with the password; null when it does not open (wrong password, tampered). */
export async function openPersonKey(
  stored: string,
  password: string,
  principal: string,
  publicKey: string,
): Promise<string | null> {
  const match = SEALED.exec(stored);
  if (!match) return null;
  const params: ScryptParams = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.N > MAX_N || params.r > 16 || params.p > 4) return null;
  const key = await passwordKey(password, Buffer.from(match[4]!, 'base64'), params);
  const opened = openSealed(
    key,
    { iv: match[5]!, tag: match[6]!, ciphertext: match[7]! },
    aad('password', principal, publicKey),
  );
  return opened ? checkedKey(opened.toString('base64'), publicKey) : null;
}

function checkedKey(privateKey: string, publicKey: string): string | null {
  try {
    return publicKeyOf(privateKey) === publicKey ? privateKey : null;
  } catch {
    return null;
  }
}

/** The wrapping key of a credential: HKDF over its random secret (no password stretching needed). */
function secretKey(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `parley key wrap v1 ${purpose}`, 32));
}

/** Wraps an unlocked key for a session or token whose secret is `secret`. */
export function wrapForSecret(
  privateKey: string,
  secret: string,
  purpose: 'session' | 'token',
  principal: Pick<Principal, 'id' | 'publicKey'>,
): string {
  const sealed = sealBytes(
    secretKey(secret, purpose),
    Buffer.from(privateKey, 'base64'),
    aad(purpose, principal.id, principal.publicKey),
  );
  return `${WRAPPED_PREFIX}$${sealed.iv}$${sealed.tag}$${sealed.ciphertext}`;
}

/** Unwraps a session's or token's copy; null when absent or it does not open (e.g. after a rotation). */
export function unwrapWithSecret(
  wrapped: string | null | undefined,
  secret: string,
  purpose: 'session' | 'token',
  principal: Pick<Principal, 'id' | 'publicKey'>,
): string | null {
  const match = wrapped ? WRAPPED.exec(wrapped) : null;
  if (!match) return null;
  const opened = openSealed(
    secretKey(secret, purpose),
    { iv: match[1]!, tag: match[2]!, ciphertext: match[3]! },
    aad(purpose, principal.id, principal.publicKey),
  );
  return opened ? checkedKey(opened.toString('base64'), principal.publicKey) : null;
}

/**
 * The principal as an actor: its stored (sealed) key replaced by the key unlocked for this
 * request, or by nothing. Never the stored value, which is not a usable key.
 */
export function asActor(principal: Principal, unlocked: string | null): Principal {
  // A revoked key stays marked, so that signing says why it cannot.
  const none = principal.privateKey === REVOKED_KEY ? REVOKED_KEY : '';
  return { ...principal, privateKey: unlocked ?? none };
}

/**
 * The key to sign with as `actor`, or `key_locked`: an actor carries a usable key only when the
 * person unlocked it (a login, or a token made from one).
 */
export function signingKeyOf(actor: Principal): string {
  if (isPlainKey(actor.privateKey)) return actor.privateKey;
  if (actor.privateKey === REVOKED_KEY)
    throw new ParleyError(
      'key_revoked',
      `the signing key of '${actor.id}' was revoked by an administrator: rotate it with your password (parley user rotate-key, or Account in the web app) to sign again`,
    );
  throw new ParleyError(
    'key_locked',
    `the signing key of '${actor.id}' is locked: log in with your password, or use an API token created after a login (or with the person's password)`,
  );
}

/**
 * Unlocks a person's key with their (already verified) password. A key from before sealing is
 * sealed now (`resealed`, for the caller to store); null when the stored key does not open with it.
 */
export async function unlockWithPassword(
  principal: Principal,
  password: string,
): Promise<{ privateKey: string; resealed: string | null } | null> {
  if (!isSealedKey(principal.privateKey)) {
    const plain = checkedKey(principal.privateKey, principal.publicKey);
    if (!plain) return null;
    return {
      privateKey: plain,
      resealed: await sealPersonKey(plain, password, principal.id, principal.publicKey),
    };
  }
  const opened = await openPersonKey(principal.privateKey, password, principal.id, principal.publicKey);
  return opened ? { privateKey: opened, resealed: null } : null;
}
