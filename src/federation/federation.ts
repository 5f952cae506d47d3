/** Federation for a running node: the receiver of peers' pushes and the replicator to peers. */
import type { ParleyNode } from '../node/parley-node.js';
import type { LinkMonitor } from './heartbeat.js';
import { EntryReceiver } from './receive-entries.js';
import { Replicator, type ReplicatorOptions } from './replicator.js';
import { Witness } from './witness.js';

export interface Federation {
  receiver: EntryReceiver;
  replicator: Replicator;
  witness: Witness;
  links: LinkMonitor | null;
  stop(): void;
}

export function createFederation(
  node: ParleyNode,
  options: ReplicatorOptions = {},
  links: LinkMonitor | null = null,
): Federation {
  const witness = new Witness(node);
  const receiver = new EntryReceiver(node, witness);
  const replicator = new Replicator(node, receiver, options);
  return {
    receiver,
    replicator,
    witness,
    links,
    stop: () => replicator.stop(),
  };
}
