/**
 * Merkle proofs of a chain (RFC 9162 §2.1.3 inclusion, §2.1.4 consistency) read from storage,
 * in the JSON shape `parley prove` prints and `GET /api/v1/channels/:channel/proofs/...` returns
 * (docs/FORMAT.md, "Proofs"). Hashes are lowercase hex. An inclusion proof is given at the
 * chain's latest signed checkpoint, so a holder of that checkpoint (or of a witness's
 * cosignature of it) can check the entry without the rest of the chain.
 *
 * Builders read the chain's leaf hashes, O(n) in the chain's length; they throw ParleyError
 * (`entry_not_found`, `bad_request`) for positions the chain or its checkpoint do not cover.
 */
import { parseCheckpoint } from '../../core/checkpoint.js';
import { ParleyError } from '../../core/errors.js';
import { entryId } from '../../core/entry.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../core/merkle.js';
import { openNote } from '../../core/signed-note.js';
import type { Storage } from '../../storage/storage.js';

export interface InclusionProofView {
  entry: string;
  channel: string;
  party: string;
  seq: number;
  /** SHA-256 of the canonical entry (what `prev` names). */
  hash: string;
  /** RFC 9162 leaf hash: SHA-256(0x00 || canonical entry). */
  leafHash: string;
  /** Tree size of the checkpoint the proof is for. */
  size: number;
  rootHash: string;
  /** Audit path, from the leaf's sibling upwards. */
  proof: string[];
  /** The signed checkpoint note whose root the proof reaches. */
  checkpoint: string;
}

export interface ConsistencyProofView {
  channel: string;
  party: string;
  oldSize: number;
  newSize: number;
  oldRoot: string;
  newRoot: string;
  proof: string[];
  /** The latest signed checkpoint, when it is the one at `newSize`. */
  checkpoint: string | null;
}

/** One step of an export's checkpoint history: the proof from size `from` to size `to`. */
export interface ConsistencyStep {
  from: number;
  to: number;
  proof: string[];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

/** The size a checkpoint note states, or null when it cannot be read. */
export function noteSize(note: string): number | null {
  if (note === '') return null;
  try {
    return parseCheckpoint(openNote(note, []).text).size;
  } catch {
    return null;
  }
}

/** Distinct checkpoints among `notes` (by signed text), oldest first; unreadable ones dropped. */
export function checkpointHistory(notes: readonly string[]): Array<{ size: number; note: string }> {
  const byText = new Map<string, { size: number; note: string }>();
  for (const note of notes) {
    try {
      const text = openNote(note, []).text;
      const size = parseCheckpoint(text).size;
      if (!byText.has(text)) byText.set(text, { size, note });
    } catch {
      // Not a checkpoint note: nothing to put in the history.
    }
  }
  return [...byText.values()].sort((a, b) => a.size - b.size);
}

/** Consistency proofs between consecutive checkpoints of a history (sizes 0 are skipped). */
export function consistencyProofs(
  leaves: readonly Uint8Array[],
  checkpoints: ReadonlyArray<{ size: number }>,
): ConsistencyStep[] {
  const steps: ConsistencyStep[] = [];
  for (let i = 1; i < checkpoints.length; i++) {
    const from = checkpoints[i - 1]!.size;
    const to = checkpoints[i]!.size;
    if (from < 1 || to <= from || to > leaves.length) continue;
    steps.push({ from, to, proof: consistencyProof(leaves.slice(0, to), from).map(hex) });
  }
  return steps;
}

/** RFC 9162 leaf hashes of the first `size` entries of a chain. */
export async function readLeafHashes(
  storage: Storage,
  channel: string,
  party: string,
  size: number,
): Promise<Buffer[]> {
  const leaves: Buffer[] = [];
  while (leaves.length < size) {
    const page = await storage.readChain(channel, party, leaves.length, Math.min(5000, size - leaves.length));
    if (page.length === 0) break;
    for (const e of page) leaves.push(leafHash(e.canonical));
  }
  return leaves;
}

/** Inclusion proof of `channel/party/seq` in its chain at the latest signed checkpoint. */
export async function proveInclusion(
  storage: Storage,
  channel: string,
  party: string,
  seq: number,
): Promise<InclusionProofView> {
  const id = entryId(channel, party, seq);
  const entry = await storage.getEntry(channel, party, seq);
  const head = await storage.getChainHead(channel, party);
  if (!entry || !head) throw new ParleyError('entry_not_found', `entry ${id} does not exist`);
  const size = noteSize(head.checkpoint);
  if (size === null)
    throw new ParleyError('entry_not_found', `chain ${channel}/${party} has no checkpoint yet`);
  if (seq >= size) {
    throw new ParleyError(
      'entry_not_found',
      `entry ${id} is not covered yet by the latest checkpoint (size ${size})`,
    );
  }
  const leaves = await readLeafHashes(storage, channel, party, size);
  return {
    entry: id,
    channel,
    party,
    seq,
    hash: entry.hash,
    leafHash: hex(leafHash(entry.canonical)),
    size,
    rootHash: hex(rootFromLeafHashes(leaves)),
    proof: inclusionProof(leaves, seq).map(hex),
    checkpoint: head.checkpoint,
  };
}

/** Consistency proof of a chain from `oldSize` to `newSize` entries (1 <= old <= new <= size). */
export async function proveConsistency(
  storage: Storage,
  channel: string,
  party: string,
  oldSize: number,
  newSize: number,
): Promise<ConsistencyProofView> {
  const head = await storage.getChainHead(channel, party);
  if (!head) throw new ParleyError('entry_not_found', `chain ${channel}/${party} does not exist`);
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || newSize < oldSize) {
    throw new ParleyError('bad_request', 'sizes must satisfy 1 <= old <= new');
  }
  if (newSize > head.size) {
    throw new ParleyError('entry_not_found', `chain ${channel}/${party} has only ${head.size} entries`);
  }
  const leaves = await readLeafHashes(storage, channel, party, newSize);
  return {
    channel,
    party,
    oldSize,
    newSize,
    oldRoot: hex(rootFromLeafHashes(leaves.slice(0, oldSize))),
    newRoot: hex(rootFromLeafHashes(leaves)),
    proof: consistencyProof(leaves, oldSize).map(hex),
    checkpoint: noteSize(head.checkpoint) === newSize ? head.checkpoint : null,
  };
}

/** Checks an inclusion proof view on its own terms (leaf, path, root); never throws. */
export function checkInclusionView(view: InclusionProofView): boolean {
  return verifyInclusion(
    unhex(view.leafHash),
    view.seq,
    view.size,
    view.proof.map(unhex),
    unhex(view.rootHash),
  );
}

/** Checks a consistency proof view on its own terms; never throws. */
export function checkConsistencyView(view: ConsistencyProofView): boolean {
  return verifyConsistency(
    view.oldSize,
    view.newSize,
    unhex(view.oldRoot),
    unhex(view.newRoot),
    view.proof.map(unhex),
  );
}
