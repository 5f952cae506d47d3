/**
 * Logging in and out, and API tokens. Failed logins are rate-limited per account and per address
 * and recorded in the audit log; a password never reaches a log line; secrets are stored only as
 * hashes (tokens.ts).
 */
import { randomBytes } from 'node:crypto';
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { Session } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import type { LoginLimiter } from './login-limiter.js';
import { verifyPassword } from './password.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './tokens.js';

// A real hash to compare against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH =
  'scrypt$N=32768,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface LoginAttempt {
  user: string;
  password: string;
  /** The client's address, for the limiter and the audit log. */
  ip: string;
}

export interface StartedSession {
  principal: Principal;
  /** The cookie value: shown once, stored only as its hash. */
  secret: string;
  session: Session;
}

/** Checks a password and starts a session; throws `too_many_requests` or `invalid_credentials`. */
export async function logIn(
  node: NodeContext,
  limiter: LoginLimiter,
  attempt: LoginAttempt,
  sessionTtlMs: number,
): Promise<StartedSession> {
  const { user, password, ip } = attempt;
  const keys = [`user:${user}`, `ip:${ip}`];
  const wait = limiter.retryAfter(keys);
  if (wait > 0) {
    await node.storage.recordAudit({
      at: Date.now(),
      type: 'login_throttled',
      principal: user,
      ip,
      detail: '',
    });
    throw new ParleyError(
      'too_many_requests',
      'too many failed logins; try again later',
      Math.ceil(wait / 1000),
    );
  }
  const principal = await node.storage.getPrincipal(user);
  const ok = await verifyPassword(password, principal?.passwordHash ?? DUMMY_HASH);
  if (!principal || !ok || principal.disabled) {
    limiter.recordFailure(keys);
    await node.storage.recordAudit({ at: Date.now(), type: 'login_failed', principal: user, ip, detail: '' });
    throw new ParleyError('invalid_credentials', 'user or password is wrong');
  }
  limiter.recordSuccess(`user:${user}`);
  const secret = newSecret();
  const now = Date.now();
  const session: Session = {
    tokenHash: hashSecret(secret),
    principal: principal.id,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: now + sessionTtlMs,
  };
  await node.storage.createSession(session);
  await node.storage.recordAudit({ at: now, type: 'login', principal: principal.id, ip, detail: '' });
  return { principal, secret, session };
}

export async function logOut(node: NodeContext, sessionHash: string): Promise<void> {
  await node.storage.deleteSession(sessionHash);
}

/** A bearer token for `actor` (shown once); recorded in the audit log. */
export async function createApiToken(
  node: NodeContext,
  actor: Principal,
  label: string,
  ip: string,
): Promise<string> {
  return issueApiToken(node, actor.id, label, { ip, detail: label });
}

/**
 * A bearer token an administrator issues for an existing person (`parley token create` on the
 * node's machine); recorded in the audit log.
 */
export async function createApiTokenFor(
  node: NodeContext,
  actor: Principal,
  principalId: string,
  label: string,
): Promise<string> {
  requireAdmin(actor);
  if (!(await node.storage.getPrincipal(principalId)))
    throw new ParleyError('principal_not_found', `user '${principalId}' does not exist`);
  return issueApiToken(node, principalId, label, { ip: null, detail: `cli: ${label}` });
}

/** Fresh tokens for every person of this node (the demo hands them to its scripted people). */
export async function issueTokensForEveryone(
  node: NodeContext,
  label: string,
): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const principal of await node.storage.listPrincipals()) {
    tokens[principal.id] = await issueApiToken(node, principal.id, label, null);
  }
  return tokens;
}

/** Stores a new token's hash; the secret is returned once and never stored. */
async function issueApiToken(
  node: NodeContext,
  principal: string,
  label: string,
  audit: { ip: string | null; detail: string } | null,
): Promise<string> {
  const token = newSecret(API_TOKEN_PREFIX);
  await node.storage.createApiToken({
    tokenHash: hashSecret(token),
    principal,
    label,
    createdAt: Date.now(),
  });
  if (audit) {
    await node.storage.recordAudit({ at: Date.now(), type: 'token_created', principal, ...audit });
  }
  return token;
}

/**
 * Bearer tokens resolved in the last few seconds, keyed by token hash. Scripts send thousands of
 * requests a second with one token; a disabled account or revoked token stops working within
 * TOKEN_CACHE_MS.
 */
const TOKEN_CACHE_MS = 5000;
const tokenCache = new WeakMap<object, Map<string, { principal: Principal; until: number }>>();

/** The enabled principal an API token acts for, or null. */
export async function principalForToken(
  node: NodeContext,
  token: string,
  now: number,
): Promise<Principal | null> {
  const storage = node.storage;
  let cache = tokenCache.get(storage);
  if (!cache) tokenCache.set(storage, (cache = new Map()));
  const tokenHash = hashSecret(token);
  const cached = cache.get(tokenHash);
  if (cached && cached.until > now) return cached.principal;
  const record = await storage.getApiToken(tokenHash);
  const principal = record ? await storage.getPrincipal(record.principal) : null;
  if (!principal || principal.disabled) {
    cache.delete(tokenHash);
    return null;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(tokenHash, { principal, until: now + TOKEN_CACHE_MS });
  return principal;
}

/** An unexpired session by the hash of its cookie, with its principal (which may be disabled). */
export async function findSession(
  node: NodeContext,
  sessionHash: string,
  now: number,
): Promise<{ session: Session; principal: Principal | null } | null> {
  const session = await node.storage.getSession(sessionHash);
  if (!session || session.expiresAt <= now) return null;
  return { session, principal: await node.storage.getPrincipal(session.principal) };
}
