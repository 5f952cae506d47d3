/**
 * The one place federation meets the node and its workflows: adapts them to the narrow
 * FederationContext (context.ts). Live wake-ups come from storage's commit hints (node.live).
 */
import type { ParleyNode } from '../node/parley-node.js';
import { recordSecurityEvent } from '../workflows/audit-trail/record.js';
import { refreshChannelState } from '../workflows/channels/commands.js';
import { channelChanges, findCharter } from '../workflows/channels/queries.js';
import type { FederationContext } from './context.js';

export function federationContextOf(node: ParleyNode): FederationContext {
  const { storage } = node;
  return {
    party: node.party,
    partyName: node.partyName,
    nodePublicKey: node.nodePublicKey,
    fingerprint: node.fingerprint,
    now: () => node.now(),
    observeClock: (hlc) => node.clock.observe(hlc),
    signAsNode: node.signAsNode,
    cosign: (note) => node.cosign(note),
    kinds: node.kinds,
    chains: storage,
    replicas: storage,
    peers: storage,
    evidence: storage,
    audit: { recordSecurityEvent: (event) => recordSecurityEvent(node, event) },
    findCharter: (channel) => findCharter(node, channel),
    channelChanges: (channel) => channelChanges(node, channel),
    refreshChannelState: (id) => refreshChannelState(node, id),
    signReceived: async (channel, of) => {
      // Keyed by what it acknowledges, so two processes of the node never both sign it.
      await node.appendNodeEntry(
        channel,
        'received',
        { of: { party: of.party, seq: of.seq, hash: of.hash } },
        { naturalKey: `received/${channel.id}/${of.party}/${of.seq}` },
      );
    },
    noteSeen: (channel, party, seq) => node.appender.noteSeen(channel, party, seq),
    onLogChanged: (listener) => node.live.onAnyCommit(() => listener()),
    // Storage wakes live consumers after every commit; only this process's cache is left to drop.
    notifyChannelChanged: (channel) => node.channelChanged(channel),
    // This thread takes chunks too rather than wait idle: the batch's rules wait for them.
    verifyEntrySignatures: (entries) => node.signingPool.verifyEntries(entries, { help: true }),
  };
}
