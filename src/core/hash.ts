/** SHA-256 helpers. Hashes are written as lowercase hex in entries (`prev`) and APIs. */
import { hash } from 'node:crypto';

// crypto.hash (Node ≥ 20.12) is a one-shot digest: about a third cheaper than createHash for
// the few-hundred-byte inputs that entries are, and hashing is on every append and verify.

export function sha256(data: string | Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}
