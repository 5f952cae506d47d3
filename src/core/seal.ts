/**
 * Authenticated encryption of a secret under a 32-byte key: AES-256-GCM (NIST SP 800-38D) with a
 * fresh 96-bit IV per seal and associated data that binds the ciphertext to what it is for (its
 * purpose, whose it is, its public key), so a sealed value moved to another row or file does not
 * open. Pure: the caller derives the key (scrypt from a password or passphrase, HKDF from a
 * random secret) and stores the parts. `openSealed` returns null on any mismatch — a wrong key,
 * other associated data or tampered bytes look alike by design.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SealedBytes {
  /** base64 of the 12-byte IV, the 16-byte tag and the ciphertext. */
  iv: string;
  tag: string;
  ciphertext: string;
}

export function sealBytes(key: Buffer, plaintext: Buffer, aad: string): SealedBytes {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

export function openSealed(key: Buffer, sealed: SealedBytes, aad: string): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}
