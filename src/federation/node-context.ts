/**
 * The one place federation meets the node and its workflows: adapts them to the narrow
 * FederationContext (context.ts). Live wake-ups are the node's in-process events for now.
 */
import type { ParleyNode } from '../node/parley-node.js';
import { refreshChannelState } from '../workflows/channels/commands.js';
import { channelChanges, findCharter } from '../workflows/channels/queries.js';
import type { FederationContext } from './context.js';

export function federationContextOf(node: ParleyNode): FederationContext {
  const { storage, events } = node;
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
    audit: storage,
    findCharter: (channel) => findCharter(node, channel),
    channelChanges: (channel) => channelChanges(node, channel),
    refreshChannelState: (id) => refreshChannelState(node, id),
    signReceived: async (channel, of) => {
      await node.appendNodeEntry(channel, 'received', {
        of: { party: of.party, seq: of.seq, hash: of.hash },
      });
    },
    noteSeen: (channel, party, seq) => node.appender.noteSeen(channel, party, seq),
    onLogChanged(listener) {
      const wake = (): void => listener();
      events.on('committed', wake);
      events.on('channel-created', wake);
      return () => {
        events.off('committed', wake);
        events.off('channel-created', wake);
      };
    },
    notifyChannelChanged: (channel) => void events.emit(`channel:${channel}`),
    notifyChannelCreated: (channel) => void events.emit('channel-created', channel),
  };
}
