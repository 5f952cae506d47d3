/**
 * Checks an entry in the browser, independently of the node that served it: re-encodes its
 * signed fields as canonical JSON (RFC 8785 in Parley's restricted profile: keys sorted by UTF-16
 * code units, no whitespace, safe integers only, JSON string escaping per RFC 8785 §3.2.2.2),
 * compares SHA-256 of those bytes with the entry's `hash`, and verifies the author's Ed25519
 * signature over the domain tag `parley/entry/v1\n` plus those bytes with WebCrypto.
 * No DOM: vitest runs it under Node's WebCrypto too.
 */
import { ENVELOPE_FIELDS } from '../../lib/shared.js';

export const ENTRY_SIGNING_DOMAIN = 'parley/entry/v1\n';

/** The fields an entry's hash and signature cover (`marking` only when present). */
export const SIGNED_FIELDS = ENVELOPE_FIELDS;

/** What the check needs of an entry as the API serves it. */
export interface VerifiableEntry {
  v: number;
  channel: string;
  party: string;
  seq: number;
  prev: string | null;
  seen: Record<string, number>;
  hlc: string;
  kind: string;
  precedence: string;
  lang: string;
  marking?: string;
  body: Record<string, unknown>;
  author: string;
  authorKey: string;
  hash: string;
  sig: string;
}

export class CanonicalFormError extends Error {
  override readonly name = 'CanonicalFormError';
}

/** Canonical JSON text of `value` (RFC 8785, restricted profile). */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (/\p{Surrogate}/u.test(value)) throw new CanonicalFormError('lone surrogate in a string');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0))
        throw new CanonicalFormError(`${value} is not a safe integer`);
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      // Array.prototype.sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new CanonicalFormError(`${typeof value} is not a JSON value`);
  }
}

/** The signed object of an entry: exactly the signed fields, nothing the node added. */
export function signedContent(entry: VerifiableEntry): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const field of SIGNED_FIELDS) {
    if (field === 'marking' && entry.marking === undefined) continue;
    content[field] = entry[field];
  }
  return content;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface EntryCheck {
  /** SHA-256 of the re-encoded canonical bytes equals the entry's `hash`. */
  hashMatches: boolean;
  computedHash: string | null;
  /** The Ed25519 signature verifies against `authorKey`. */
  signatureValid: boolean;
  /** Why a check could not run (bad key, non-canonical value, no Ed25519 in this browser). */
  problem: string | null;
}

/** Re-encodes, hashes and verifies one entry. Never throws; failures are in the result. */
export async function verifyEntry(
  entry: VerifiableEntry,
  subtle: typeof globalThis.crypto.subtle = globalThis.crypto.subtle,
): Promise<EntryCheck> {
  const result: EntryCheck = { hashMatches: false, computedHash: null, signatureValid: false, problem: null };
  try {
    const canonical = new TextEncoder().encode(canonicalJson(signedContent(entry)));
    result.computedHash = hex(await subtle.digest('SHA-256', canonical));
    result.hashMatches = result.computedHash === entry.hash;
    const key = await subtle.importKey('raw', base64Bytes(entry.authorKey), { name: 'Ed25519' }, false, [
      'verify',
    ]);
    const domain = new TextEncoder().encode(ENTRY_SIGNING_DOMAIN);
    const message = new Uint8Array(domain.length + canonical.length);
    message.set(domain, 0);
    message.set(canonical, domain.length);
    result.signatureValid = await subtle.verify({ name: 'Ed25519' }, key, base64Bytes(entry.sig), message);
  } catch (error) {
    result.problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return result;
}
