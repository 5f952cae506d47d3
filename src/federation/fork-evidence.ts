/**
 * Forks: the sender signed two different entries for one position of its chain. A re-sent entry
 * must be byte-identical to the one held (stored, or accepted earlier in the same push). A
 * different one is kept as evidence, only when it is evidence: signed for this very position
 * with the sender's node key (or one it replaced, for an entry dated before the rotation) or a
 * key it published in this chain. Anything else proves nothing
 * and is refused as invalid. Either way the push is refused.
 */
import { parseCanonical } from '../core/canonical-json.js';
import { entryId, verifyEntrySignature, type EntryContent } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { isNodeKeyAt, type NodeKeyHistory } from '../core/verify-chain.js';
import type { Peer, StoredEntry } from '../storage/storage.js';
import type { EvidenceLog } from './context.js';
import type { WireEntry } from './wire.js';

/**
 * Checks `wire` against `held`, the entry at its position. Returns when they are the same entry;
 * otherwise records the fork (or refuses non-evidence) and throws. With `heldIsStored` false,
 * `held` came earlier in the same push and is not stored, so both entries are kept as evidence,
 * each naming the other.
 */
export async function checkSamePosition(
  evidence: EvidenceLog,
  from: Peer,
  wire: WireEntry,
  held: StoredEntry,
  publishedKeys: Map<string, Set<string>>,
  heldIsStored: boolean,
  /** The sender's node keys, those it replaced included (node key rotation). */
  nodeKeys: NodeKeyHistory,
): Promise<void> {
  const hash = sha256Hex(wire.canonical);
  if (held.hash === hash) return;
  checkIsEvidence(from, wire, publishedKeys, nodeKeys);
  const at = Date.now();
  const base = { channel: wire.channel, party: wire.party, seq: wire.seq, reportedBy: from.party, at };
  await evidence.recordFork({
    ...base,
    storedHash: held.hash,
    conflictingCanonical: wire.canonical,
    conflictingSig: wire.sig,
  });
  if (!heldIsStored) {
    await evidence.recordFork({
      ...base,
      storedHash: hash,
      conflictingCanonical: held.canonical,
      conflictingSig: held.sig,
    });
  }
  const where = heldIsStored ? 'the entry already held' : 'another entry of the same push';
  throw new ParleyError(
    'fork_detected',
    `${entryId(wire.channel, wire.party, wire.seq)} differs from ${where} at that position; kept as evidence`,
  );
}

/** Throws entry_invalid unless `wire` is signed for its position by a key the sender stands behind. */
function checkIsEvidence(
  from: Peer,
  wire: WireEntry,
  publishedKeys: Map<string, Set<string>>,
  nodeKeys: NodeKeyHistory,
): void {
  const id = entryId(wire.channel, wire.party, wire.seq);
  let content: EntryContent;
  try {
    content = parseCanonical(wire.canonical) as unknown as EntryContent;
    if (!content || typeof content !== 'object' || Array.isArray(content)) throw new Error('not an object');
  } catch {
    throw new ParleyError('entry_invalid', `${id}: canonical_form`);
  }
  if (content.channel !== wire.channel || content.party !== wire.party || content.seq !== wire.seq) {
    throw new ParleyError('entry_invalid', `${id}: field_mismatch: the entry is signed for another position`);
  }
  const authorKey = String(content.authorKey);
  const published = publishedKeys.get(String(content.author));
  if (!isNodeKeyAt(nodeKeys, authorKey, content.hlc) && !published?.has(authorKey)) {
    throw new ParleyError('entry_invalid', `${id}: author_key_unknown: not a key ${from.party} published`);
  }
  if (!verifyEntrySignature(wire.canonical, authorKey, wire.sig)) {
    throw new ParleyError('entry_invalid', `${id}: signature_invalid`);
  }
}
