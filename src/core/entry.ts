/**
 * The entry: one signed item of a channel's log (see DESIGN.md, "The log").
 *
 * Each channel has one hash chain per party. The signed object below is encoded with
 * canonical JSON (RFC 8785, restricted profile); its SHA-256 is the entry's hash, which the next
 * entry of the same chain names in `prev` and which is the RFC 9162 Merkle leaf of the chain.
 * The author's Ed25519 signature covers a domain tag plus the canonical bytes and is kept
 * beside the object, not inside it.
 */
import { canonicalize, type CanonicalValue } from './canonical-json.js';
import { sha256Hex } from './hash.js';
import { SIGNING_DOMAIN, signMessage, verifyMessage } from './keys.js';

export const ENTRY_VERSION = 1;

/** Precedence, lowest to highest (ACP 121 naming). */
export const PRECEDENCES = ['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH'] as const;
export type Precedence = (typeof PRECEDENCES)[number];

/** Marks an entry that is not real traffic; absent on real entries. */
export const MARKINGS = ['TEST', 'EXERCISE'] as const;
export type Marking = (typeof MARKINGS)[number];

/** The author name used for entries the node itself signs (charters, key publications). */
export const NODE_AUTHOR = 'node';

/** The signed part of an entry. */
export interface EntryContent {
  v: typeof ENTRY_VERSION;
  channel: string;
  party: string;
  /** Position in this party's chain, starting at 0. */
  seq: number;
  /** Hash of this party's previous entry in the channel; null at seq 0. */
  prev: string | null;
  /** For every other party's chain: the highest seq the author had seen, or absent. */
  seen: Record<string, number>;
  /** Hybrid logical clock, see hlc.ts. */
  hlc: string;
  kind: string;
  precedence: Precedence;
  /** BCP 47 tag of the authoritative original language of the body. */
  lang: string;
  /** `TEST` or `EXERCISE` on entries that are not real; the field is absent on real ones. */
  marking?: Marking;
  body: Record<string, CanonicalValue>;
  /** Principal id, or NODE_AUTHOR. */
  author: string;
  /** The author's Ed25519 public key (raw, base64). */
  authorKey: string;
}

/** An entry as stored and exchanged: canonical bytes, their hash and the signature. */
export interface SignedEntry {
  content: EntryContent;
  /** Canonical JSON of `content`; the bytes that were hashed and signed. */
  canonical: string;
  /** SHA-256 of `canonical`, lowercase hex. */
  hash: string;
  /** Ed25519 signature over SIGNING_DOMAIN.entry + canonical, base64. */
  sig: string;
}

/** Encodes and hashes entry content: everything but the signature. */
export function encodeEntry(content: EntryContent): Omit<SignedEntry, 'sig'> {
  const canonical = canonicalize(content);
  return { content, canonical, hash: sha256Hex(canonical) };
}

/** Encodes, hashes and signs entry content with the author's private key. */
export function signEntry(content: EntryContent, privateKey: string): SignedEntry {
  const encoded = encodeEntry(content);
  return { ...encoded, sig: signMessage(privateKey, SIGNING_DOMAIN.entry, encoded.canonical) };
}

/** Checks the signature of canonical entry bytes against the key named in the entry. */
export function verifyEntrySignature(canonical: string, authorKey: string, sig: string): boolean {
  return verifyMessage(authorKey, SIGNING_DOMAIN.entry, canonical, sig);
}

/** A stable, human-readable reference to an entry: `<channel>/<party>/<seq>`. */
export function entryId(channel: string, party: string, seq: number): string {
  return `${channel}/${party}/${seq}`;
}
