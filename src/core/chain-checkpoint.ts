/**
 * Checkpoints of one party's chain in one channel: a C2SP `tlog-checkpoint` body, signed by the
 * party's node key as a C2SP `signed-note`. The origin line names the chain, so a checkpoint of
 * one chain can never be presented as another's.
 */
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { openNote, signNote } from './signed-note.js';

export function checkpointOrigin(channel: string, party: string): string {
  return `parley/${party}/${channel}`;
}

/** The signed-note key name of a party's node key. */
export function nodeKeyName(party: string): string {
  return `parley-node-${party}`;
}

/** The key name a party's node uses when it cosigns other chains' checkpoints as a witness. */
export function witnessKeyName(party: string): string {
  return `parley-witness-${party}`;
}

export function signChainCheckpoint(
  channel: string,
  party: string,
  size: number,
  root: Buffer,
  nodePrivateKey: string,
): string {
  const body = formatCheckpoint({
    origin: checkpointOrigin(channel, party),
    size,
    rootHash: root,
    extensions: [],
  });
  return signNote(body, nodeKeyName(party), nodePrivateKey);
}

export interface VerifiedCheckpoint {
  size: number;
  rootHash: Buffer;
}

/** Opens a chain checkpoint and checks its origin and the node's signature; throws on failure. */
export function verifyChainCheckpoint(
  note: string,
  channel: string,
  party: string,
  nodePublicKey: string,
): VerifiedCheckpoint {
  const opened = openNote(note, [{ name: nodeKeyName(party), publicKey: nodePublicKey }]);
  if (!opened.signatures.some((s) => s.name === nodeKeyName(party) && s.verified)) {
    throw new Error(`checkpoint is not signed by ${nodeKeyName(party)}`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== checkpointOrigin(channel, party)) {
    throw new Error(`checkpoint origin '${checkpoint.origin}' is not ${checkpointOrigin(channel, party)}`);
  }
  return { size: checkpoint.size, rootHash: checkpoint.rootHash };
}
