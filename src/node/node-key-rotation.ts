/**
 * Rotating the node key. The old key signs a statement naming the new one (and the new key signs
 * it too, proving its holder has it); peers that pinned the old key verify the statement and move
 * their pin to the new key without a new out-of-band fingerprint exchange (federation/pin-peer.ts
 * `acceptNodeKeyRotations`). Every rotation is kept (this node's and its peers'), so entries and
 * checkpoints signed before a rotation still verify: a replaced key is accepted for entries dated
 * before its successor took over (core/verify-chain.ts `NodeKeyHistory`), never after.
 *
 * The statement is canonical JSON (RFC 8785) under its own signing domain, so no other signature
 * of the node can be replayed as one.
 */
import { canonicalize } from '../core/canonical-json.js';
import { ParleyError } from '../core/errors.js';
import { fingerprint, generateKeyPair, signMessage, verifyMessage } from '../core/keys.js';
import type { NodeKeyHistory } from '../core/verify-chain.js';
import type { NodeKeyRotation } from '../storage/storage.js';
import { nodeKeyPath } from './data-dir.js';
import {
  nodeKeyFileText,
  passphraseFromEnv,
  pemOf,
  readNodeKeyFile,
  replaceNodeKeyFile,
  sealNodeKey,
} from './node-key.js';
import type { ParleyNode } from './parley-node.js';

export const ROTATION_DOMAIN = 'parley/node-key-rotation/v1\n';

/** The signed text of a rotation. */
export function rotationStatement(
  r: Pick<NodeKeyRotation, 'party' | 'previousKey' | 'newKey' | 'at'>,
): string {
  return canonicalize({
    type: 'parley-node-key-rotation/v1',
    party: r.party,
    previousKey: r.previousKey,
    newKey: r.newKey,
    at: r.at,
  });
}

/** True when both keys signed the statement. */
export function rotationSignaturesValid(r: NodeKeyRotation): boolean {
  const text = rotationStatement(r);
  return (
    r.previousKey !== r.newKey &&
    verifyMessage(r.previousKey, ROTATION_DOMAIN, text, r.previousSignature) &&
    verifyMessage(r.newKey, ROTATION_DOMAIN, text, r.newSignature)
  );
}

/**
 * A party's node keys from its current key back through the rotations recorded for it: each
 * replaced key valid until its successor took over.
 */
export function nodeKeyHistory(
  party: string,
  current: string,
  rotations: readonly NodeKeyRotation[],
): NodeKeyHistory {
  const earlier: Array<{ key: string; until: number }> = [];
  const seen = new Set([current]);
  let key = current;
  for (;;) {
    const step = rotations.find((r) => r.party === party && r.newKey === key && !seen.has(r.previousKey));
    if (!step) break;
    earlier.push({ key: step.previousKey, until: step.at });
    seen.add(step.previousKey);
    key = step.previousKey;
  }
  return { current, earlier };
}

/** Histories of every party whose current key is given (this node's and its peers'). */
export function nodeKeyHistories(
  current: ReadonlyMap<string, string>,
  rotations: readonly NodeKeyRotation[],
): Map<string, NodeKeyHistory> {
  return new Map([...current].map(([party, key]) => [party, nodeKeyHistory(party, key, rotations)]));
}

/** This node's rotations, oldest first, leading to its current key (what it shows its peers). */
export function ownRotations(
  party: string,
  current: string,
  rotations: readonly NodeKeyRotation[],
): NodeKeyRotation[] {
  const history = nodeKeyHistory(party, current, rotations);
  const keys = [...history.earlier.map((e) => e.key).reverse(), current];
  return keys
    .slice(1)
    .map((key, i) =>
      rotations.find((r) => r.party === party && r.previousKey === keys[i] && r.newKey === key)!,
    );
}

export interface RotationReport {
  party: string;
  previousFingerprint: string;
  fingerprint: string;
  at: number;
}

/**
 * Replaces the node key of a stopped node: a new key (kept as the old one was: plain, or sealed
 * under the passphrase from the environment), the rotation signed by both keys, recorded with the
 * node's new public key; the new key file takes the old one's place last, atomically. Peers learn
 * the rotation when this node next talks to them.
 */
export async function rotateNodeKey(
  node: ParleyNode,
  options: {
    env?: NodeJS.ProcessEnv;
    /** Runs before anything changes, still under the old key (the audit trail's hand-over). */
    beforeSwitch?: (rotation: NodeKeyRotation) => Promise<void>;
  } = {},
): Promise<RotationReport> {
  const env = options.env ?? process.env;
  const path = nodeKeyPath(node.dataDir);
  const custody = readNodeKeyFile(path).custody;
  if (custody === 'pkcs11') {
    throw new ParleyError(
      'validation_failed',
      'rotating a key held in a PKCS#11 token is not supported yet: rotate a plain or sealed key, then import it',
    );
  }
  const info = await node.storage.getNodeInfo();
  if (!info) throw new ParleyError('not_found', 'the database holds no node information');
  const next = generateKeyPair();
  const text =
    custody === 'passphrase'
      ? nodeKeyFileText(sealNodeKey(next.privateKey, requirePassphrase(env)))
      : pemOf(next.privateKey);
  const at = Date.now();
  const statement = rotationStatement({
    party: node.party,
    previousKey: node.nodePublicKey,
    newKey: next.publicKey,
    at,
  });
  const rotation: NodeKeyRotation = {
    party: node.party,
    previousKey: node.nodePublicKey,
    newKey: next.publicKey,
    at,
    previousSignature: node.signAsNode(ROTATION_DOMAIN, statement),
    newSignature: signMessage(next.privateKey, ROTATION_DOMAIN, statement),
  };
  await options.beforeSwitch?.(rotation);
  await node.storage.putNodeKeyRotation(rotation);
  await node.storage.setNodeInfo({ ...info, nodePublicKey: next.publicKey });
  replaceNodeKeyFile(path, text);
  return {
    party: node.party,
    previousFingerprint: fingerprint(rotation.previousKey),
    fingerprint: fingerprint(rotation.newKey),
    at,
  };
}

function requirePassphrase(env: NodeJS.ProcessEnv): string {
  const passphrase = passphraseFromEnv(env);
  if (passphrase === null) {
    throw new ParleyError(
      'validation_failed',
      'the node key is sealed: the new key is sealed under the same passphrase, so set PARLEY_NODE_KEY_PASSPHRASE or PARLEY_NODE_KEY_PASSPHRASE_FILE',
    );
  }
  return passphrase;
}
