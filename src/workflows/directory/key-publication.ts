/**
 * A person's public key, published by the node to a channel as a `principal-key` entry, so that
 * every party can verify what that person signs there (DESIGN.md "Federation": a node refuses
 * entries by a principal whose key the author's party has not published to the channel).
 */
import type { Channel, Principal } from '../../core/model.js';
import type { EntryDraft } from '../../node/appender.js';
import type { NodeContext } from '../context.js';

export function keyPublication(node: NodeContext, channel: Channel, principal: Principal): EntryDraft {
  return node.nodeDraft(channel, 'principal-key', {
    principal: principal.id,
    office: principal.office,
    role: principal.role,
    title: principal.title,
    publicKey: principal.publicKey,
  });
}
