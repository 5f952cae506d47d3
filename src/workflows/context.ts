/**
 * What a workflow's commands and queries may use of the node: its party and key (to write as
 * the node), its clock, its kinds, its storage and appender, and the channel cache with its
 * live-update hints. Every command also takes the acting principal and checks policy itself
 * (core/policy.ts), so a route, the CLI or federation cannot forget a check.
 */
import type { ParleyNode } from '../node/parley-node.js';

export type NodeContext = Pick<
  ParleyNode,
  | 'party'
  | 'partyName'
  | 'nodePublicKey'
  | 'signAsNode'
  | 'fingerprint'
  | 'now'
  | 'clock'
  | 'kinds'
  | 'storage'
  | 'appender'
  | 'live'
  | 'nodeDraft'
  | 'appendNodeEntry'
  | 'sealFirstEntries'
  | 'cachedChannel'
  | 'channelChanged'
  | 'signingPool'
>;
