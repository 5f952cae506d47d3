/**
 * What kind rules read when a person's entry is checked before it is signed: the channel, the
 * acting person and the channel's log (core/kinds.ts `KindCheckContext`).
 */
import { ParleyError } from '../../core/errors.js';
import { KindRuleError, type KindCheckContext, type KindDefinition } from '../../core/kinds.js';
import { partiesAt } from '../../core/membership.js';
import type { Channel, Principal } from '../../core/model.js';
import { joinedAt } from '../channels/queries.js';
import type { NodeContext } from '../context.js';
import { toLogged } from './present.js';

export function kindContext(
  node: NodeContext,
  actor: Principal,
  channel: Channel,
  envelope?: KindCheckContext['entry'],
): KindCheckContext {
  const storage = node.storage;
  return {
    channel,
    party: node.party,
    parties: async () => partiesAt(await joinedAt(node, channel)),
    actor: { id: actor.id, office: actor.office, role: actor.role },
    ...(envelope ? { entry: envelope } : {}),
    getEntry: async (party, seq) => {
      const entry = await storage.getEntry(channel.id, party, seq);
      return entry ? toLogged(entry) : null;
    },
    listByRef: async (kind, ref) => (await storage.listByRef(channel.id, kind, ref)).map(toLogged),
    listByKind: async (kind) => (await storage.listByKind(channel.id, kind, 100_000)).map(toLogged),
  };
}

/** Runs a kind's rules; a refusal becomes the request's own error. */
export async function runKindCheck(
  kind: KindDefinition,
  context: KindCheckContext,
  body: unknown,
): Promise<void> {
  try {
    await kind.check!(context, body);
  } catch (error) {
    throw asParleyError(error);
  }
}

/** A kind rule's refusal as the node's error type; anything else passes through. */
export function asParleyError(error: unknown): unknown {
  return error instanceof KindRuleError ? new ParleyError(error.code, error.message) : error;
}
