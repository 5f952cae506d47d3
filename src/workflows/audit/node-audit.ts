/**
 * The audit workflow's commands on a node (DESIGN.md "The log": `parley verify`, exports,
 * inclusion and consistency proofs): the same functions as verify.ts, export.ts and proofs.ts,
 * taking the node and, for people over the API, the acting principal whose right to read the
 * channel is checked first.
 */
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { readableChannel } from '../channels/queries.js';
import type { NodeContext } from '../context.js';
import { exportChannel } from './export.js';
import {
  proveConsistency,
  proveInclusion,
  type ConsistencyProofView,
  type InclusionProofView,
} from './proofs.js';
import type { VerifyReport } from './report.js';
import { verifyStorage } from './verify.js';

/** Verifies everything the node stores; `onProgress` gets entries done and the total. */
export async function verifyNode(
  node: NodeContext,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<VerifyReport> {
  const total = await node.storage.countEntries();
  const pool = node.signingPool;
  return verifyStorage(node.storage, (done) => onProgress(done, total), {
    signatures: { check: (entries) => pool.verifyEntries(entries), help: () => pool.help() },
  });
}

/** Writes a channel's export file (for the node's operator: every chain this node holds). */
export async function exportNodeChannel(
  node: NodeContext,
  channelId: string,
  path: string,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<{ entries: number; chains: number }> {
  if (!(await node.storage.getChannel(channelId))) {
    throw new ParleyError('channel_not_found', `channel '${channelId}' does not exist`);
  }
  const total = await node.storage.countEntries();
  return exportChannel(node.storage, channelId, path, (done) => onProgress(done, total));
}

/** An entry's inclusion proof at its chain's latest checkpoint; `actor` absent for the operator. */
export async function proveEntryInclusion(
  node: NodeContext,
  actor: Principal | null,
  channelId: string,
  party: string,
  seq: number,
): Promise<InclusionProofView> {
  const channel = actor ? (await readableChannel(node, actor, channelId)).id : channelId;
  return proveInclusion(node.storage, channel, party, seq);
}

/** A chain's consistency proof between two sizes; `actor` absent for the operator. */
export async function proveChainConsistency(
  node: NodeContext,
  actor: Principal | null,
  channelId: string,
  party: string,
  oldSize: number,
  newSize: number,
): Promise<ConsistencyProofView> {
  const channel = actor ? (await readableChannel(node, actor, channelId)).id : channelId;
  return proveConsistency(node.storage, channel, party, oldSize, newSize);
}
