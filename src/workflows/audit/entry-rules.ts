/**
 * Rules an offline audit applies on top of the per-chain verifier (docs/FORMAT.md,
 * "Verification rules"): the entry envelope has exactly the documented fields (DESIGN.md,
 * "The log"), every entry named by another (`seen` positions and `{party, seq, hash}` objects
 * in bodies) is present, and every signature line on a checkpoint from a key the verifier knows
 * verifies (c2sp.org/signed-note: a known key's failing signature rejects the note).
 */
import { nodeKeyName, witnessKeyName } from '../../core/chain-checkpoint.js';
import {
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  noteKeyId,
  openNote,
  type NoteVerifier,
  type OpenedNote,
} from '../../core/signed-note.js';
import { ENVELOPE_FIELDS } from '../../core/envelope.js';

const ENVELOPE = new Set<string>(ENVELOPE_FIELDS);

/** Fields of an entry's signed object outside the documented envelope. */
export function unknownEnvelopeFields(content: Record<string, unknown>): string[] {
  return Object.keys(content).filter((field) => !ENVELOPE.has(field));
}

/** A position another entry names: `hash` when the reference pins the entry's bytes too. */
export interface EntryReference {
  party: string;
  seq: number;
  hash?: string;
  /** Where in the entry: `seen` or a body path such as `body.of`. */
  via: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Everything an entry references: its `seen` positions, every body object with a string `party`
 * and an integer `seq` (the `of`, `revises`… references of the kinds), and the charter an
 * acceptance names (`charter: {party, hash}`, always entry 0 of the proposer's chain).
 */
export function entryReferences(content: Record<string, unknown>): EntryReference[] {
  const references: EntryReference[] = [];
  if (isObject(content.seen)) {
    for (const [party, seq] of Object.entries(content.seen)) {
      if (Number.isSafeInteger(seq)) references.push({ party, seq: seq as number, via: 'seen' });
    }
  }
  const walk = (value: unknown, path: string, depth: number): void => {
    if (depth > 16) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return;
    }
    if (!isObject(value)) return;
    if (typeof value.party === 'string' && Number.isSafeInteger(value.seq)) {
      references.push({
        party: value.party,
        seq: value.seq as number,
        ...(typeof value.hash === 'string' ? { hash: value.hash } : {}),
        via: path,
      });
    }
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, depth + 1);
  };
  walk(content.body, 'body', 0);
  const body = content.body;
  if (content.kind === 'charter-accept' && isObject(body) && isObject(body.charter)) {
    const { party, hash } = body.charter;
    if (typeof party === 'string' && typeof hash === 'string') {
      references.push({ party, seq: 0, hash, via: 'body.charter' });
    }
  }
  return references;
}

/** The note verifiers of every party's node key (type 0x01) and witness key (type 0x04). */
export function noteVerifiers(nodeKeys: Readonly<Record<string, string>>): NoteVerifier[] {
  const verifiers: NoteVerifier[] = [];
  for (const [party, publicKey] of Object.entries(nodeKeys)) {
    try {
      noteKeyId(nodeKeyName(party), publicKey); // throws for a malformed key
      verifiers.push({ name: nodeKeyName(party), publicKey, type: SIG_TYPE_ED25519 });
      verifiers.push({ name: witnessKeyName(party), publicKey, type: SIG_TYPE_COSIGNATURE_V1 });
    } catch {
      // A malformed key is reported where it is used; it verifies nothing here.
    }
  }
  return verifiers;
}

/**
 * Opens a note against every known key. Returns the opened note and the key names whose
 * signature line on it fails, or the format error when the note cannot be opened at all.
 */
export function openWithKnownKeys(
  note: string,
  verifiers: readonly NoteVerifier[],
): { opened: OpenedNote; failing: string[] } | { error: string } {
  try {
    const opened = openNote(note, verifiers);
    const failing = opened.signatures
      .filter((s) => s.type !== undefined && !s.verified)
      .map((s) => `${s.name}+${s.keyId}`);
    return { opened, failing };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
