/**
 * Managing access after it was granted: listing and revoking API tokens, disabling and enabling
 * accounts, changing passwords. Each change takes effect at once in this process (the token cache
 * is cleared and open live streams are told, access-signal.ts) and is recorded in the audit log.
 */
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { NodeContext } from '../context.js';
import { announceAccessEnded } from './access-signal.js';
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
  await node.storage.recordAudit({
    at: Date.now(),
    type: 'token_revoked',
    principal: token.principal,
    ip,
    detail: `${id} by ${actor.id}`,
  });
  return {
    id,
    user: token.principal,
    label: token.label,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt ?? null,
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
  let ended = '';
  if (disabled) {
    const sessions = await node.storage.deleteSessionsOf(id, null);
    const tokens = await node.storage.deleteApiTokensOf(id);
    ended = `ended ${sessions} sessions, ${tokens} tokens`;
  }
  forgetCachedTokens(node.storage);
  if (disabled) announceAccessEnded(node.storage, { principal: id });
  await node.storage.recordAudit({
    at: Date.now(),
    type: disabled ? 'account_disabled' : 'account_enabled',
    principal: id,
    ip,
    detail: `by ${actor.id}${ended ? `; ${ended}` : ''}`,
  });
  return (await node.storage.getPrincipal(id))!;
}

/**
 * A person changes their own password, proving the current one. Their other sessions end (the
 * one in use, `keepSessionHash`, stays); API tokens stay, being separate credentials.
 */
export async function changeOwnPassword(
  node: NodeContext,
  actor: Principal,
  change: { current: string; next: string; keepSessionHash: string | null; ip: string | null },
): Promise<void> {
  const stored = await node.storage.getPrincipal(actor.id);
  if (!stored || !(await verifyPassword(change.current, stored.passwordHash))) {
    await node.storage.recordAudit({
      at: Date.now(),
      type: 'password_change_failed',
      principal: actor.id,
      ip: change.ip,
      detail: '',
    });
    throw new ParleyError('forbidden', 'current password is wrong');
  }
  await storePassword(node, actor.id, change.next, change.keepSessionHash, change.ip, 'self');
}

/** An administrator sets someone's password (`parley user password`); all their sessions end. */
export async function setPasswordFor(
  node: NodeContext,
  actor: Principal,
  id: string,
  next: string,
): Promise<void> {
  requireAdmin(actor);
  if (!(await node.storage.getPrincipal(id)))
    throw new ParleyError('principal_not_found', `user '${id}' does not exist`);
  await storePassword(node, id, next, null, null, `by ${actor.id}`);
}

async function storePassword(
  node: NodeContext,
  id: string,
  next: string,
  keepSessionHash: string | null,
  ip: string | null,
  detail: string,
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
  await node.storage.recordAudit({
    at: Date.now(),
    type: 'password_changed',
    principal: id,
    ip,
    detail: `${detail}; ended ${ended} other sessions`,
  });
}
