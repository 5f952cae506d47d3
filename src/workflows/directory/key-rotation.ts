/**
 * Rotating and revoking people's signing keys (README "Security", "People's keys"). A key is
 * revoked by a node-signed `principal-key-revoke` entry in every channel where this party
 * published it; entries it signed before stay valid, and every node refuses what it signs after
 * (core/verify-chain.ts, `key_revoked`).
 *
 * - A person rotates their own key, proving their password: a new key is made and sealed under
 *   it, published, and the old one revoked, all in one append, so there is no moment when the
 *   person has no valid key or two. Their sessions end (the session's copy is of the old key);
 *   API tokens keep reading but no longer sign.
 * - An administrator revokes someone's key (a lost laptop, a suspected copy): the revocation is
 *   published, their sessions and tokens end, and the stored key is marked revoked, so nothing
 *   signs as them until they rotate with their password.
 */
import { ParleyError } from '../../core/errors.js';
import { generateKeyPair } from '../../core/keys.js';
import type { Channel, Principal } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { EntryDraft } from '../../node/appender.js';
import { recordSecurityEvent } from '../audit-trail/record.js';
import { chainBegun } from '../channels/commands.js';
import type { NodeContext } from '../context.js';
import { announceAccessEnded } from './access-signal.js';
import { publicationChannels } from './commands.js';
import { REVOKED_KEY, sealPersonKey } from './key-custody.js';
import { keyPublication } from './key-publication.js';
import { forgetPublishedKeys, isPublishedHere } from './published-keys.js';
import { verifyPassword } from './password.js';
import { forgetCachedTokens } from './sessions.js';

export interface KeyChange {
  user: string;
  /** The key in force now, or null after a revocation with no successor yet. */
  publicKey: string | null;
  revokedKey: string | null;
  /** Entries appended: one publication and/or one revocation per channel. */
  entries: number;
  sessionsEnded: number;
  tokensEnded: number;
}

/** The channels where this party published `publicKey` for `principal` and has not revoked it. */
async function channelsPublishing(
  node: NodeContext,
  principal: string,
  publicKey: string,
): Promise<Channel[]> {
  const result: Channel[] = [];
  for (const channel of await node.storage.listChannels()) {
    if (!(await chainBegun(node, channel.id, node.party))) continue;
    if (await isPublishedHere(node, channel, principal, publicKey)) result.push(channel);
  }
  return result;
}

function revocation(
  node: NodeContext,
  channel: Channel,
  principal: Principal,
  reason: string,
  replacedBy: string | null,
): EntryDraft {
  return node.nodeDraft(channel, 'principal-key-revoke', {
    principal: principal.id,
    publicKey: principal.publicKey,
    reason,
    replacedBy,
  });
}

/**
 * The entries that replace `stored`'s key by `publicKey`: its publication in the person's
 * channels, and the old key's revocation wherever it was published (unless already revoked).
 */
export async function replacementDrafts(
  node: NodeContext,
  stored: Principal,
  publicKey: string,
  reason: string,
): Promise<EntryDraft[]> {
  const renewed: Principal = { ...stored, publicKey };
  const revoking = isRevokedKey(stored) ? [] : await channelsPublishing(node, stored.id, stored.publicKey);
  return [
    ...(await publicationChannels(node, stored.office)).map((channel) =>
      keyPublication(node, channel, renewed),
    ),
    ...revoking.map((channel) => revocation(node, channel, stored, reason, publicKey)),
  ];
}

/** Whether a stored key was revoked by an administrator (and awaits its holder's rotation). */
export function isRevokedKey(stored: Principal): boolean {
  return stored.privateKey === REVOKED_KEY;
}

/**
 * `actor` replaces their own signing key, proving their password: the new key is published in
 * their channels and the old one revoked there, in one append.
 */
export async function rotateOwnKey(
  node: NodeContext,
  actor: Principal,
  input: { password: string; ip: string | null },
): Promise<KeyChange> {
  const stored = await node.storage.getPrincipal(actor.id);
  if (!stored || !(await verifyPassword(input.password, stored.passwordHash))) {
    await recordSecurityEvent(node, {
      action: 'person_key_rotation_failed',
      actor: actor.id,
      subject: actor.id,
      address: input.ip,
    });
    throw new ParleyError('forbidden', 'password is wrong');
  }
  const keys = generateKeyPair();
  // A key an administrator revoked is revoked already: only a live key is revoked by the rotation.
  const revokedKey = isRevokedKey(stored) ? null : stored.publicKey;
  const drafts = await replacementDrafts(node, stored, keys.publicKey, 'rotated by its holder');
  // The publications go first: a key stored before they are durable could sign entries every
  // peer refuses. If storing fails after, the new key was published but never kept (unusable).
  if (drafts.length > 0) await node.appender.append(drafts);
  await node.storage.setPrincipalKey(
    stored.id,
    await sealPersonKey(keys.privateKey, input.password, stored.id, keys.publicKey),
    keys.publicKey,
  );
  const sessionsEnded = await node.storage.deleteSessionsOf(stored.id, null);
  forgetCachedTokens(node.storage);
  forgetPublishedKeys(node.storage);
  announceAccessEnded(node.storage, { principal: stored.id, sessionsOnly: true });
  await recordSecurityEvent(node, {
    action: 'person_key_rotated',
    actor: actor.id,
    subject: stored.id,
    address: input.ip,
    details: {
      publicKey: keys.publicKey,
      revokedKey,
      entries: drafts.length,
      sessionsEnded,
    },
  });
  return {
    user: stored.id,
    publicKey: keys.publicKey,
    revokedKey,
    entries: drafts.length,
    sessionsEnded,
    tokensEnded: 0,
  };
}

/** As rotateOwnKey for `id`, who is proven by the password alone (`parley user rotate-key`). */
export async function rotateKeyWithPassword(
  node: NodeContext,
  id: string,
  input: { password: string; ip: string | null },
): Promise<KeyChange> {
  const principal = await node.storage.getPrincipal(id);
  if (!principal || principal.disabled)
    throw new ParleyError('principal_not_found', `user '${id}' does not exist or is disabled`);
  return rotateOwnKey(node, principal, input);
}

/**
 * An administrator revokes `id`'s key: published as revoked in every channel, sessions and API
 * tokens ended, the stored key marked revoked until its holder rotates it with their password.
 */
export async function revokeKey(
  node: NodeContext,
  actor: Principal,
  id: string,
  input: { reason: string; ip: string | null },
): Promise<KeyChange> {
  requireAdmin(actor);
  const reason = input.reason.trim();
  if (reason === '' || reason.length > 200)
    throw new ParleyError('validation_failed', 'reason must have 1 to 200 characters');
  const stored = await node.storage.getPrincipal(id);
  if (!stored) throw new ParleyError('principal_not_found', `user '${id}' does not exist`);
  if (isRevokedKey(stored)) throw new ParleyError('already_exists', `the key of '${id}' is already revoked`);
  const drafts = (await channelsPublishing(node, id, stored.publicKey)).map((channel) =>
    revocation(node, channel, stored, reason, null),
  );
  // The stored key goes first: from here nothing can unlock it, whatever happens to the append.
  await node.storage.setPrincipalKey(id, REVOKED_KEY);
  if (drafts.length > 0) await node.appender.append(drafts);
  const sessionsEnded = await node.storage.deleteSessionsOf(id, null);
  const tokensEnded = await node.storage.deleteApiTokensOf(id);
  forgetCachedTokens(node.storage);
  forgetPublishedKeys(node.storage);
  announceAccessEnded(node.storage, { principal: id });
  await recordSecurityEvent(node, {
    action: 'person_key_revoked',
    actor: actor.id,
    subject: id,
    address: input.ip,
    details: { publicKey: stored.publicKey, reason, entries: drafts.length, sessionsEnded, tokensEnded },
  });
  return {
    user: id,
    publicKey: null,
    revokedKey: stored.publicKey,
    entries: drafts.length,
    sessionsEnded,
    tokensEnded,
  };
}
