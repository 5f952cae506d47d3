/**
 * What operators watch (DESIGN.md "The log": checkpoints and witnesses; "Federation": link
 * tests): link-test history per peer, each chain's latest checkpoint with the other parties'
 * cosignatures, and evidence of misbehaving nodes (equivocation, forks).
 */
import { ParleyError } from '../../core/errors.js';
import { fingerprint } from '../../core/keys.js';
import type { Principal } from '../../core/model.js';
import type { EquivocationEvidence, LinkTest } from '../../storage/storage.js';
import { getChannel } from '../channels/queries.js';
import type { NodeContext } from '../context.js';

export async function linkTests(
  node: NodeContext,
  party: string,
  limit: number,
): Promise<Array<Pick<LinkTest, 'at' | 'ok' | 'rttMs' | 'error'>>> {
  if (!(await node.storage.getPeer(party)))
    throw new ParleyError('peer_not_found', `${party} is not a peer of this node`);
  const tests = await node.storage.listLinkTests(party, limit);
  return tests.map(({ at, ok, rttMs, error }) => ({ at, ok, rttMs, error }));
}

export interface ChainCheckpointView {
  party: string;
  size: number;
  checkpoint: string;
  cosignatures: Array<{ witness: string; size: number; note: string }>;
}

/** Each chain's latest signed checkpoint and the witnesses' cosignatures, for a channel's readers. */
export async function channelCheckpoints(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<ChainCheckpointView[]> {
  const channel = await getChannel(node, actor, channelId);
  const chains: ChainCheckpointView[] = [];
  for (const head of await node.storage.listChainHeads(channel.id)) {
    chains.push({
      party: head.party,
      size: head.size,
      checkpoint: head.checkpoint,
      cosignatures: await node.storage.latestCosignatures(channel.id, head.party),
    });
  }
  return chains;
}

export interface AlertsView {
  equivocations: EquivocationEvidence[];
  forks: Array<{ channel: string; party: string; seq: number; reportedBy: string; at: number }>;
  nodeFingerprint: string;
}

export async function alerts(node: NodeContext): Promise<AlertsView> {
  return {
    equivocations: await node.storage.listEquivocations(),
    forks: (await node.storage.listForks()).map(({ channel, party, seq, reportedBy, at }) => ({
      channel,
      party,
      seq,
      reportedBy,
      at,
    })),
    nodeFingerprint: fingerprint(node.nodePublicKey),
  };
}

/** How many pieces of evidence of misbehaving nodes this node holds (for metrics). */
export async function evidenceCounts(node: NodeContext): Promise<{ equivocations: number; forks: number }> {
  return {
    equivocations: (await node.storage.listEquivocations()).length,
    forks: (await node.storage.listForks()).length,
  };
}

/** A cheap read that fails when the database cannot be reached (health checks). */
export async function checkStorage(node: NodeContext): Promise<void> {
  await node.storage.getNodeInfo();
}

/** The peers this node has pinned, with their key fingerprints. */
export async function listPeers(
  node: NodeContext,
): Promise<Array<{ party: string; name: string; url: string; fingerprint: string }>> {
  return (await node.storage.listPeers()).map((p) => ({
    party: p.party,
    name: p.name,
    url: p.url,
    fingerprint: fingerprint(p.nodePublicKey),
  }));
}
