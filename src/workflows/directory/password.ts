/**
 * Password hashing with scrypt (RFC 7914), a memory-hard function built into Node, at the level
 * OWASP's Password Storage Cheat Sheet asks for (N=2^17, r=8, p=1: 128 MiB per hash). The stored
 * form carries its parameters, `scrypt$N=131072,r=8,p=1$<salt>$<hash>`, so hashes made with
 * older, weaker parameters still verify and are replaced at the next login (`needsRehash`).
 *
 * Each hash takes a large block of memory and a thread-pool thread, so at most HASH_CONCURRENCY
 * run at once and at most HASH_QUEUE wait; beyond that the caller gets `unavailable` (503 with
 * Retry-After) instead of an unbounded queue that a burst of logins could build.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ParleyError } from '../../core/errors.js';

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_PARAMS: ScryptParams = { N: 131072, r: 8, p: 1 };
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
/** Upper bounds on stored parameters, so a tampered hash cannot make verification exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 16;
const MAX_P = 4;

const HASH_CONCURRENCY = 2;
const HASH_QUEUE = 32;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs `work` when a hashing slot is free; refuses at once when the queue is full. */
async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) {
    if (waiting.length >= HASH_QUEUE)
      throw new ParleyError('unavailable', 'too many logins at once; try again shortly', 1);
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running += 1;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, or is freed.
    if (next) next();
    else running -= 1;
  }
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // maxmem must exceed 128 * N * r bytes (128 MiB for the defaults).
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return withHashSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

/**
 * A 32-byte key derived from a password with today's parameters and its own salt (not the
 * password hash's), in the same bounded hashing slots: what seals a person's signing key
 * (key-custody.ts).
 */
export function passwordKey(
  password: string,
  salt: Buffer,
  params: ScryptParams = DEFAULT_PARAMS,
): Promise<Buffer> {
  return derive(password, salt, params);
}

export type { ScryptParams };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT_PARAMS);
  const { N, r, p } = DEFAULT_PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const STORED = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function parse(stored: string): { params: ScryptParams; salt: Buffer; expected: Buffer } | null {
  const match = STORED.exec(stored);
  if (!match) return null;
  const params = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.N > MAX_N || params.r > MAX_R || params.p > MAX_P) return null;
  return { params, salt: Buffer.from(match[4]!, 'base64'), expected: Buffer.from(match[5]!, 'base64') };
}

/**
 * Constant-time check of a password against a stored hash; false for malformed hashes. Throws
 * `unavailable` when too many hashes are already waiting.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.expected.length && timingSafeEqual(key, parsed.expected);
}

/** Whether a stored hash was made with weaker parameters than today's (rehash it at login). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  const { N, r, p } = parsed.params;
  return N < DEFAULT_PARAMS.N || r < DEFAULT_PARAMS.r || p < DEFAULT_PARAMS.p;
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'password must have at most 1024 characters';
  return null;
}
