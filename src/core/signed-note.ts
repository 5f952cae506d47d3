/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures (type 0x01) and C2SP
 * tlog-cosignature v1 timestamped Ed25519 cosignatures (type 0x04). A note is a text ending in
 * a newline, a blank line, then lines "— <key name> base64(key ID || signature)". Using the
 * standard format lets existing witnesses and log tooling check Parley checkpoints. Parsing is
 * strict, because a note is signed bytes and any second spelling of it is a malleability risk;
 * signatures from unknown keys are reported but never trusted, as the spec requires.
 */
import { verify } from 'node:crypto';
import { parseCheckpoint } from './checkpoint.js';
import { sha256 } from './hash.js';
import { publicKeyObject, publicKeyOf, signBytes } from './keys.js';

/** Signature type byte of plain Ed25519 note signatures (c2sp.org/signed-note). */
export const SIG_TYPE_ED25519 = 0x01;
/** Signature type byte of timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
/** Most signature lines accepted in one note; the spec requires at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

export type NoteSignatureType = typeof SIG_TYPE_ED25519 | typeof SIG_TYPE_COSIGNATURE_V1;

/** A trusted key: its name, base64 raw 32-byte Ed25519 public key, and signature type. */
export interface NoteVerifier {
  name: string;
  publicKey: string;
  /** Defaults to 0x01 (plain Ed25519). */
  type?: NoteSignatureType;
}

/** One signature line of an opened note, in note order. */
export interface NoteSignature {
  name: string;
  /** Key ID, 8 lowercase hex characters. */
  keyId: string;
  /** True only when a configured verifier matched name and key ID and the signature is valid. */
  verified: boolean;
  /** Signature type of the matching verifier; absent for unknown keys. */
  type?: number;
  /** Cosignature time, POSIX seconds (type 0x04 only). */
  timestamp?: number;
}

export interface OpenedNote {
  /** Note text including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifierKey {
  name: string;
  /** Base64 raw 32-byte Ed25519 public key. */
  publicKey: string;
  /** Key ID, 8 lowercase hex characters. */
  keyId: string;
  type: NoteSignatureType;
}

/** Thrown for a note, signature line or text that does not follow c2sp.org/signed-note. */
export class SignedNoteFormatError extends Error {
  override readonly name = 'SignedNoteFormatError';
}

/** Thrown for a malformed verifier key (vkey) or key name. */
export class InvalidVerifierKeyError extends Error {
  override readonly name = 'InvalidVerifierKeyError';
}

/** Thrown when two configured verifiers share a name and key ID, so a signature is ambiguous. */
export class AmbiguousVerifierError extends Error {
  override readonly name = 'AmbiguousVerifierError';
}

/** Thrown by `requireSignature` when no valid signature from the named key is present. */
export class UnverifiedNoteError extends Error {
  override readonly name = 'UnverifiedNoteError';
}

const EM_DASH = '\u2014';
const SIG_PREFIX = `${EM_DASH} `;
// Key names must not contain Unicode spaces (JS \s plus NEL, which Go's unicode.IsSpace counts) or '+'.
const BAD_NAME_CHAR = /[\s\u0085+]/u;
const LONE_SURROGATE = /\p{Surrogate}/u;
const HEX_KEY_ID = /^[0-9a-f]{8}$/;
const ED25519_SIG_SIZE = 64;
const MAX_TIMESTAMP = (1n << 63n) - 1n;

/** True if `text` has a character below U+0020 other than newline (c2sp.org/signed-note, "Format"). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !BAD_NAME_CHAR.test(name) &&
    !hasControl(name) &&
    !LONE_SURROGATE.test(name)
  );
}

function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new InvalidVerifierKeyError(
      'key name must be non-empty, without spaces, "+" or control characters',
    );
  }
}

/** Strict standard base64 (RFC 4648 §4): Node's decoder is lenient, so require a round trip. */
function decodeBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function rawKey(publicKey: string): Buffer {
  const raw = decodeBase64(publicKey);
  if (!raw || raw.length !== 32) throw new InvalidVerifierKeyError('public key must be base64 of 32 bytes');
  return raw;
}

/**
 * Key ID of c2sp.org/signed-note ("Signatures"): the first 4 bytes of
 * SHA-256(name || 0x0A || type || public key). Type 0x04 gives the tlog-cosignature key ID.
 */
export function noteKeyId(
  name: string,
  publicKey: string,
  type: NoteSignatureType = SIG_TYPE_ED25519,
): Buffer {
  checkKeyName(name);
  const data = Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([type]), rawKey(publicKey)]);
  return sha256(data).subarray(0, 4);
}

/** Verifier key of c2sp.org/signed-note ("Verifier keys"): name+hex(key ID)+base64(type || key). */
export function formatVerifierKey(
  name: string,
  publicKey: string,
  type: NoteSignatureType = SIG_TYPE_ED25519,
): string {
  const keyId = noteKeyId(name, publicKey, type).toString('hex');
  const material = Buffer.concat([Buffer.from([type]), rawKey(publicKey)]).toString('base64');
  return `${name}+${keyId}+${material}`;
}

/**
 * Parses a verifier key (c2sp.org/signed-note, "Verifier keys") of type 0x01 or 0x04 and checks
 * that its key ID matches the name and key. Throws InvalidVerifierKeyError otherwise.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  // Base64 may itself contain '+', so only the first two '+' separate parts.
  const first = typeof vkey === 'string' ? vkey.indexOf('+') : -1;
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw new InvalidVerifierKeyError('verifier key must have three "+"-separated parts');
  const name = vkey.slice(0, first);
  const keyId = vkey.slice(first + 1, second);
  const material = vkey.slice(second + 1);
  checkKeyName(name);
  if (!HEX_KEY_ID.test(keyId)) throw new InvalidVerifierKeyError('key ID must be 8 lowercase hex characters');
  const bytes = decodeBase64(material);
  if (!bytes || bytes.length !== 33)
    throw new InvalidVerifierKeyError('key material must be base64 of 33 bytes');
  const type = bytes[0];
  if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) {
    throw new InvalidVerifierKeyError(`unsupported signature type 0x${(type ?? 0).toString(16)}`);
  }
  const publicKey = bytes.subarray(1).toString('base64');
  if (noteKeyId(name, publicKey, type).toString('hex') !== keyId) {
    throw new InvalidVerifierKeyError('key ID does not match name and public key');
  }
  return { name, publicKey, keyId, type };
}

/** Note text rules of c2sp.org/signed-note ("Format"); throws SignedNoteFormatError. */
function checkText(text: string, what: string): void {
  if (typeof text !== 'string') throw new SignedNoteFormatError(`${what} must be a string`);
  if (LONE_SURROGATE.test(text)) throw new SignedNoteFormatError(`${what} is not valid UTF-8`);
  if (hasControl(text)) throw new SignedNoteFormatError(`${what} contains control characters`);
}

interface RawSignature {
  name: string;
  keyId: Buffer;
  /** Signature bytes after the key ID. */
  signature: Buffer;
  line: string;
}

interface ParsedNote {
  text: string;
  signatures: RawSignature[];
}

function toText(note: string | Uint8Array): string {
  if (typeof note === 'string') return note;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw new SignedNoteFormatError('note is not valid UTF-8');
  }
}

/** Splits a note into text and signature lines (c2sp.org/signed-note, "Format"). */
function parseNote(input: string | Uint8Array): ParsedNote {
  const note = toText(input);
  checkText(note, 'note');
  if (!note.endsWith('\n')) throw new SignedNoteFormatError('note must end with a newline');
  // The text may contain blank lines; the last one separates it from the signatures.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new SignedNoteFormatError('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0) throw new SignedNoteFormatError('note has no signatures');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new SignedNoteFormatError(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIG_PREFIX)) throw new SignedNoteFormatError('malformed signature line');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const bytes = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || !bytes || bytes.length < 5) {
      throw new SignedNoteFormatError('malformed signature line');
    }
    return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line };
  });
  return { text, signatures };
}

function signatureLine(name: string, keyId: Buffer, signature: Buffer): string {
  return `${SIG_PREFIX}${name} ${Buffer.concat([keyId, signature]).toString('base64')}`;
}

/**
 * Rebuilds a note with `line` added, dropping any earlier signature from the same key (name and
 * key ID) so re-signing replaces rather than duplicates, as golang.org/x/mod/sumdb/note does.
 */
function withSignature(parsed: ParsedNote, name: string, keyId: Buffer, line: string): string {
  const kept = parsed.signatures
    .filter((s) => !(s.name === name && s.keyId.equals(keyId)))
    .map((s) => s.line);
  if (kept.length + 1 > MAX_NOTE_SIGNATURES) {
    throw new SignedNoteFormatError(`note would have more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  return `${parsed.text}\n${[...kept, line].map((l) => `${l}\n`).join('')}`;
}

function checkNoteText(text: string): void {
  checkText(text, 'note text');
  if (!text.endsWith('\n')) throw new SignedNoteFormatError('note text must end with a newline');
}

function ed25519Line(text: string, name: string, privateKey: string): { keyId: Buffer; line: string } {
  checkKeyName(name);
  const keyId = noteKeyId(name, publicKeyOf(privateKey), SIG_TYPE_ED25519);
  const signature = signBytes(privateKey, Buffer.from(text));
  return { keyId, line: signatureLine(name, keyId, signature) };
}

/**
 * Signs `text` with Ed25519 (c2sp.org/signed-note, type 0x01) and returns the note: the text, a
 * blank line and the signature line. `privateKey` is base64 PKCS#8 DER.
 */
export function signNote(text: string, name: string, privateKey: string): string {
  checkNoteText(text);
  const { keyId, line } = ed25519Line(text, name, privateKey);
  return withSignature({ text, signatures: [] }, name, keyId, line);
}

/** Adds (or replaces) an Ed25519 signature line on an already signed note (c2sp.org/signed-note). */
export function addNoteSignature(note: string, name: string, privateKey: string): string {
  const parsed = parseNote(note);
  const { keyId, line } = ed25519Line(parsed.text, name, privateKey);
  return withSignature(parsed, name, keyId, line);
}

/**
 * The message a tlog-cosignature v1 Ed25519 cosigner signs (c2sp.org/tlog-cosignature,
 * "Ed25519 signed message"): "cosignature/v1\ntime <timestamp>\n" then the checkpoint body.
 */
export function cosignatureMessage(text: string, timestamp: number | bigint): string {
  return `cosignature/v1\ntime ${BigInt(timestamp).toString()}\n${text}`;
}

/**
 * Adds a timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature, type 0x04) to a signed
 * checkpoint note. The signature bytes are the 8-byte big-endian timestamp then the 64-byte
 * signature. `timestamp` is POSIX seconds. Throws if the note text is not a checkpoint.
 */
export function cosignCheckpoint(note: string, name: string, privateKey: string, timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new SignedNoteFormatError('timestamp must be a non-negative safe integer');
  }
  checkKeyName(name);
  const parsed = parseNote(note);
  parseCheckpoint(parsed.text);
  const keyId = noteKeyId(name, publicKeyOf(privateKey), SIG_TYPE_COSIGNATURE_V1);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  const message = Buffer.from(cosignatureMessage(parsed.text, timestamp));
  const signature = signBytes(privateKey, message);
  return withSignature(parsed, name, keyId, signatureLine(name, keyId, Buffer.concat([time, signature])));
}

interface ResolvedVerifier {
  name: string;
  publicKey: string;
  type: NoteSignatureType;
}

function resolveVerifiers(verifiers: readonly NoteVerifier[]): Map<string, ResolvedVerifier> {
  const byId = new Map<string, ResolvedVerifier>();
  for (const v of verifiers) {
    const type = v.type ?? SIG_TYPE_ED25519;
    if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) {
      throw new InvalidVerifierKeyError(`unsupported signature type ${String(type)}`);
    }
    const key = `${v.name}+${noteKeyId(v.name, v.publicKey, type).toString('hex')}`;
    const existing = byId.get(key);
    if (existing && (existing.publicKey !== v.publicKey || existing.type !== type)) {
      throw new AmbiguousVerifierError(`two verifiers share key ${key}`);
    }
    byId.set(key, { name: v.name, publicKey: v.publicKey, type });
  }
  return byId;
}

function ed25519Verify(publicKey: string, message: string, signature: Buffer): boolean {
  if (signature.length !== ED25519_SIG_SIZE) return false;
  try {
    return verify(null, Buffer.from(message), publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

function checkSignature(text: string, verifier: ResolvedVerifier, raw: RawSignature): NoteSignature {
  const result: NoteSignature = {
    name: raw.name,
    keyId: raw.keyId.toString('hex'),
    verified: false,
    type: verifier.type,
  };
  if (verifier.type === SIG_TYPE_ED25519) {
    result.verified = ed25519Verify(verifier.publicKey, text, raw.signature);
    return result;
  }
  if (raw.signature.length !== 8 + ED25519_SIG_SIZE) return result;
  const time = raw.signature.readBigUInt64BE(0);
  // The spec caps timestamps at 2^63 - 1; past 2^53 a JS number could not report it exactly.
  if (time > MAX_TIMESTAMP || time > BigInt(Number.MAX_SAFE_INTEGER)) return result;
  result.timestamp = Number(time);
  result.verified = ed25519Verify(
    verifier.publicKey,
    cosignatureMessage(text, time),
    raw.signature.subarray(8),
  );
  return result;
}

/**
 * Parses a signed note strictly and checks every signature whose key name and key ID match a
 * verifier (c2sp.org/signed-note, "Signatures"). Signatures from unknown keys come back with
 * `verified: false`; a known key's bad signature too. Callers decide what they require, e.g.
 * with `requireSignature`. Throws SignedNoteFormatError for a malformed note, and
 * InvalidVerifierKeyError or AmbiguousVerifierError for a bad verifier list (a configuration error).
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const parsed = parseNote(note);
  const known = resolveVerifiers(verifiers);
  const signatures = parsed.signatures.map((raw): NoteSignature => {
    const verifier = known.get(`${raw.name}+${raw.keyId.toString('hex')}`);
    if (!verifier) return { name: raw.name, keyId: raw.keyId.toString('hex'), verified: false };
    return checkSignature(parsed.text, verifier, raw);
  });
  return { text: parsed.text, signatures };
}

/**
 * Throws UnverifiedNoteError unless the opened note carries a verified signature from key
 * `name` (optionally of a given type), and no failed signature from a known key: per
 * c2sp.org/signed-note a known key's failing signature should reject the whole note.
 */
export function requireSignature(opened: OpenedNote, name: string, type?: NoteSignatureType): void {
  const bad = opened.signatures.find((s) => s.type !== undefined && !s.verified);
  if (bad) throw new UnverifiedNoteError(`invalid signature from known key ${bad.name}+${bad.keyId}`);
  const ok = opened.signatures.some(
    (s) => s.name === name && s.verified && (type === undefined || s.type === type),
  );
  if (!ok) throw new UnverifiedNoteError(`note has no valid signature from ${name}`);
}
