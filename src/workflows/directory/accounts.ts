/**
 * Managing access after it was granted: listing and revoking API tokens, disabling and enabling
 * accounts, changing passwords. Each change takes effect at once in this process (the token cache
 * is cleared and open live streams are told, access-signal.ts) and is recorded in the audit log.
 */
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { NodeContext } from '../context.js';
import { recordSecurityEvent } from '../audit-trail/record.js';
import { announceAccessEnded } from './access-signal.js';
import { generateKeyPair } from '../../core/keys.js';
import { replacementDrafts } from './key-rotation.js';
import { forgetPublishedKeys } from './published-keys.js';
import { sealPersonKey, unlockWithPassword } from './key-custody.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { forgetCachedTokens, tokenId } from './sessions.js';

/** A token as listed: never its secret nor its full hash. */
export interface TokenView {
  id: string;
  user: string;
  label: string;
  createdAt: number;
  /** Null for a token issued before tokens expired. */
  expiresAt: number | null;
  /** Null when it never authenticated a request. */
  lastUsedAt: number | null;
  expired: boolean;
}

/** The actor's own tokens; an admin may list another person's (`user`) or everyone's (`all`). */
export async function listTokens(
  node: NodeContext,
  actor: Principal,
  scope: { user?: string; all?: boolean } = {},
  now = Date.now(),
): Promise<TokenView[]> {
  const owner = scope.all ? null : (scope.user ?? actor.id);
  if (owner !== actor.id) requireAdmin(actor);
  return (await node.storage.listApiTokens(owner)).map((t) => ({
    id: tokenId(t.tokenHash),
    user: t.principal,
    label: t.label,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt ?? null,
    lastUsedAt: t.lastUsedAt ?? null,
    expired: t.expiresAt != null && t.expiresAt <= now,
  }));
}

/** Revokes a token by id: a person their own, an admin any. It stops working at once. */
export async function revokeToken(
  node: NodeContext,
  actor: Principal,
  id: string,
  ip: string | null,
): Promise<TokenView> {
  const candidates = await node.storage.listApiTokens(actor.role === 'admin' ? null : actor.id);
  const token = candidates.find((t) => tokenId(t.tokenHash) === id);
  if (!token) throw new ParleyError('not_found', `no API token '${id}'`);
  await node.storage.deleteApiToken(token.tokenHash);
  forgetCachedTokens(node.storage);
  announceAccessEnded(node.storage, { tokenHash: token.tokenHash });
  await recordSecurityEvent(node, {
    action: 'token_revoked',
    actor: actor.id,
    subject: token.principal,
    address: ip,
    details: { tokenId: id, label: token.label },
  });
  return {
    id,
    user: token.principal,
    label: token.label,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt ?? null,
    lastUsedAt: token.lastUsedAt ?? null,
    expired: false,
  };
}

/**
 * Disables or enables an account (admin). Disabling ends the person's sessions and API tokens at
 * once, and their open live streams; enabling lets them log in again (tokens must be reissued).
 */
export async function setAccountDisabled(
  node: NodeContext,
  actor: Principal,
  id: string,
  disabled: boolean,
  ip: string | null,
): Promise<Principal> {
  requireAdmin(actor);
  if (disabled && id === actor.id)
    throw new ParleyError('validation_failed', 'an administrator cannot disable their own account');
  if (!(await node.storage.setPrincipalDisabled(id, disabled)))
    throw new ParleyError('principal_not_found', `user '${id}' does not exist`);
  let ended = {};
  if (disabled) {
    const sessions = await node.storage.deleteSessionsOf(id, null);
    const tokens = await node.storage.deleteApiTokensOf(id);
    ended = { sessionsEnded: sessions, tokensEnded: tokens };
  }
  forgetCachedTokens(node.storage);
  if (disabled) announceAccessEnded(node.storage, { principal: id });
  await recordSecurityEvent(node, {
    action: disabled ? 'account_disabled' : 'account_enabled',
    actor: actor.id,
    subject: id,
    address: ip,
    details: ended,
  });
  return (await node.storage.getPrincipal(id))!;
}

/**
 * A person changes their own password, proving the current one. Their signing key is re-sealed
 * under the new password (key-custody.ts). Their other sessions end (the one in use,
 * `keepSessionHash`, stays); API tokens stay, being separate credentials with their own wrapped
 * copies of the key.
 */
export async function changeOwnPassword(
  node: NodeContext,
  actor: Principal,
  change: { current: string; next: string; keepSessionHash: string | null; ip: string | null },
): Promise<void> {
  const stored = await node.storage.getPrincipal(actor.id);
  if (!stored || !(await verifyPassword(change.current, stored.passwordHash))) {
    await recordSecurityEvent(node, {
      action: 'password_change_failed',
      actor: actor.id,
      subject: actor.id,
      address: change.ip,
    });
    throw new ParleyError('forbidden', 'current password is wrong');
  }
  const problem = passwordProblem(change.next);
  if (problem) throw new ParleyError('validation_failed', problem);
  const unlocked = await unlockWithPassword(stored, change.current);
  if (unlocked)
    await node.storage.setPrincipalKey(
      actor.id,
      await sealPersonKey(unlocked.privateKey, change.next, actor.id, stored.publicKey),
    );
  await storePassword(node, actor.id, change.next, change.keepSessionHash, change.ip, actor.id);
}

/**
 * An administrator sets someone's password (`parley user password`); all their sessions end. The
 * old signing key cannot be recovered without the old password, so the person gets a new key,
 * sealed under the new password and published by the node in each of their channels (a
 * `principal-key` entry signed by the node, recorded as `key_reset`), and the old key is revoked
 * there (`principal-key-revoke`, "reset by admin"). Entries signed with the old key stay valid; tokens keep working for reading, but their
 * wrapped copies are of the old key and no longer sign.
 */
export async function setPasswordFor(
  node: NodeContext,
  actor: Principal,
  id: string,
  next: string,
): Promise<void> {
  requireAdmin(actor);
  const principal = await node.storage.getPrincipal(id);
  if (!principal) throw new ParleyError('principal_not_found', `user '${id}' does not exist`);
  const problem = passwordProblem(next);
  if (problem) throw new ParleyError('validation_failed', problem);
  const keys = generateKeyPair();
  // The old key is revoked where it was published: whoever could open it is no longer trusted.
  const drafts = await replacementDrafts(node, principal, keys.publicKey, 'reset by admin');
  if (drafts.length > 0) await node.appender.append(drafts);
  await node.storage.setPrincipalKey(
    id,
    await sealPersonKey(keys.privateKey, next, id, keys.publicKey),
    keys.publicKey,
  );
  forgetCachedTokens(node.storage);
  forgetPublishedKeys(node.storage);
  await recordSecurityEvent(node, {
    action: 'key_reset',
    actor: actor.id,
    subject: id,
    details: { reason: 'key reset by admin', publicKey: keys.publicKey, channels: drafts.length },
  });
  await storePassword(node, id, next, null, null, actor.id);
}

async function storePassword(
  node: NodeContext,
  id: string,
  next: string,
  keepSessionHash: string | null,
  ip: string | null,
  by: string,
): Promise<void> {
  const problem = passwordProblem(next);
  if (problem) throw new ParleyError('validation_failed', problem);
  await node.storage.setPasswordHash(id, await hashPassword(next));
  const ended = await node.storage.deleteSessionsOf(id, keepSessionHash);
  announceAccessEnded(node.storage, {
    principal: id,
    sessionsOnly: true,
    ...(keepSessionHash ? { keepSessionHash } : {}),
  });
  await recordSecurityEvent(node, {
    action: 'password_changed',
    actor: by,
    subject: id,
    address: ip,
    details: { sessionsEnded: ended },
  });
}
