/**
 * A person's public key, published by the node to a channel as a `principal-key` entry, so that
 * every party can verify what that person signs there (DESIGN.md "Federation": a node refuses
 * entries by a principal whose key the author's party has not published to the channel).
 */
import type { Channel, Principal } from '../../core/model.js';
import type { EntryDraft } from '../../node/appender.js';
import type { NodeContext } from '../context.js';

/** Throws `body_invalid` when the body breaks the kind's schema (node.nodeDraft checks it). */
export function keyPublication(node: NodeContext, channel: Channel, principal: Principal): EntryDraft {
  return node.nodeDraft(channel, 'principal-key', publicationBody(principal));
}

/** The body of a person's key publication. */
export function publicationBody(
  principal: Pick<Principal, 'office' | 'role' | 'title' | 'publicKey'> & { id: string },
): Record<string, unknown> {
  return {
    principal: principal.id,
    office: principal.office,
    role: principal.role,
    title: principal.title,
    publicKey: principal.publicKey,
  };
}
