/** Federation for a running node: the receiver of peers' pushes and the replicator to peers. */
import type { ParleyNode } from '../node/parley-node.js';
import { EntryReceiver } from './receive-entries.js';
import { Replicator, type ReplicatorOptions } from './replicator.js';

export interface Federation {
  receiver: EntryReceiver;
  replicator: Replicator;
  stop(): void;
}

export function createFederation(node: ParleyNode, options: ReplicatorOptions = {}): Federation {
  const receiver = new EntryReceiver(node);
  const replicator = new Replicator(node, receiver, options);
  return {
    receiver,
    replicator,
    stop: () => replicator.stop(),
  };
}
