/**
 * Bearer tokens and session ids: 32 random bytes, shown once, stored only as SHA-256 so a copy
 * of the database does not grant access.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../core/hash.js';

export const API_TOKEN_PREFIX = 'pat_';

export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}
