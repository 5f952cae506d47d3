/**
 * Federation for a running node, assembled from one FederationContext (context.ts): the witness
 * of peers' checkpoints, the receiver of their pushes and the replicator to them, plus the link
 * monitor when the node runs one.
 */
import type { FederationContext } from './context.js';
import type { LinkMonitor } from './heartbeat.js';
import { EntryReceiver } from './receive-entries.js';
import { Replicator, type ReplicatorOptions } from './replicator.js';
import { Witness } from './witness.js';

export interface Federation {
  context: FederationContext;
  receiver: EntryReceiver;
  replicator: Replicator;
  witness: Witness;
  links: LinkMonitor | null;
  stop(): void;
}

export function createFederation(
  context: FederationContext,
  options: ReplicatorOptions = {},
  links: LinkMonitor | null = null,
): Federation {
  const witness = new Witness(context);
  const receiver = new EntryReceiver(context, witness);
  const replicator = new Replicator(context, receiver, options);
  return {
    context,
    receiver,
    replicator,
    witness,
    links,
    stop: () => replicator.stop(),
  };
}
