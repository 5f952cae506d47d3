/**
 * Logging in and out, and API tokens. Failed logins are rate-limited per account and per address
 * and recorded in the audit log; a password never reaches a log line; secrets are stored only as
 * hashes (tokens.ts). Sessions end after SESSION_IDLE_MS idle or at their ttl; tokens at their
 * expiry (accounts.ts lists and revokes them).
 */
import { randomBytes } from 'node:crypto';
import { ParleyError } from '../../core/errors.js';
import type { Principal } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { Session } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import type { LoginLimiter } from './login-limiter.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import { announceAccessEnded } from './access-signal.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './tokens.js';

// A real hash to compare against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH =
  'scrypt$N=131072,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

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
  // Counted before the hash runs (login-limiter.ts), so concurrent guesses cannot all pass.
  const admitted = limiter.begin(user, ip);
  if ('waitMs' in admitted) {
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
      Math.ceil(admitted.waitMs / 1000),
    );
  }
  const { ticket } = admitted;
  let principal: Principal | null;
  let ok: boolean;
  try {
    principal = await node.storage.getPrincipal(user);
    ok = await verifyPassword(password, principal?.passwordHash ?? DUMMY_HASH);
  } catch (error) {
    // Not decided (e.g. too many hashes at once): the attempt does not count as a failure.
    limiter.release(ticket);
    throw error;
  }
  if (!principal || !ok || principal.disabled) {
    await node.storage.recordAudit({ at: Date.now(), type: 'login_failed', principal: user, ip, detail: '' });
    throw new ParleyError('invalid_credentials', 'user or password is wrong');
  }
  limiter.succeeded(ticket);
  if (needsRehash(principal.passwordHash)) {
    // Hashed with older, weaker parameters: replaced now that the password is known. When the
    // hashing slots are full it waits for a later login rather than failing this one.
    const rehashed = await hashPassword(password).catch(() => null);
    if (rehashed) {
      await node.storage.setPasswordHash(principal.id, rehashed);
      await node.storage.recordAudit({
        at: Date.now(),
        type: 'password_rehashed',
        principal: principal.id,
        ip,
        detail: '',
      });
    }
  }
  const secret = newSecret();
  const now = Date.now();
  const session: Session = {
    tokenHash: hashSecret(secret),
    principal: principal.id,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: now + sessionTtlMs,
    lastSeenAt: now,
  };
  await node.storage.createSession(session);
  await node.storage.recordAudit({ at: now, type: 'login', principal: principal.id, ip, detail: '' });
  return { principal, secret, session };
}

/** Ends one session; its open live streams end with it. */
export async function logOut(
  node: NodeContext,
  sessionHash: string,
  actor: string,
  ip: string,
): Promise<void> {
  await node.storage.deleteSession(sessionHash);
  announceAccessEnded(node.storage, { sessionHash });
  await node.storage.recordAudit({ at: Date.now(), type: 'logout', principal: actor, ip, detail: '' });
}

/** How long a new API token works unless asked otherwise. */
export const DEFAULT_TOKEN_TTL_MS = 90 * 24 * 3600_000;
/** The longest lifetime a token may be given (about five years). */
export const MAX_TOKEN_TTL_MS = 5 * 366 * 24 * 3600_000;

export interface IssuedToken {
  /** The secret: shown once, stored only as its hash. */
  token: string;
  /** The token's public id (for listing and revoking), derived from its hash. */
  id: string;
  label: string;
  expiresAt: number;
}

/** A bearer token for `actor` (shown once); recorded in the audit log. */
export async function createApiToken(
  node: NodeContext,
  actor: Principal,
  label: string,
  ip: string,
  expiresInMs: number = DEFAULT_TOKEN_TTL_MS,
): Promise<IssuedToken> {
  return issueApiToken(node, actor.id, label, expiresInMs, { ip, detail: label });
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
  expiresInMs: number = DEFAULT_TOKEN_TTL_MS,
): Promise<IssuedToken> {
  requireAdmin(actor);
  if (!(await node.storage.getPrincipal(principalId)))
    throw new ParleyError('principal_not_found', `user '${principalId}' does not exist`);
  return issueApiToken(node, principalId, label, expiresInMs, { ip: null, detail: `cli: ${label}` });
}

/** Fresh tokens for every person of this node (the demo hands them to its scripted people). */
export async function issueTokensForEveryone(
  node: NodeContext,
  label: string,
): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const principal of await node.storage.listPrincipals()) {
    tokens[principal.id] = (await issueApiToken(node, principal.id, label, DEFAULT_TOKEN_TTL_MS, null)).token;
  }
  return tokens;
}

/** Stores a new token's hash; the secret is returned once and never stored. */
async function issueApiToken(
  node: NodeContext,
  principal: string,
  label: string,
  expiresInMs: number,
  audit: { ip: string | null; detail: string } | null,
): Promise<IssuedToken> {
  if (!Number.isSafeInteger(expiresInMs) || expiresInMs <= 0 || expiresInMs > MAX_TOKEN_TTL_MS)
    throw new ParleyError('validation_failed', 'token lifetime must be between 1 ms and 5 years');
  const token = newSecret(API_TOKEN_PREFIX);
  const tokenHash = hashSecret(token);
  const now = Date.now();
  const expiresAt = now + expiresInMs;
  await node.storage.createApiToken({ tokenHash, principal, label, createdAt: now, expiresAt });
  if (audit) {
    await node.storage.recordAudit({ at: now, type: 'token_created', principal, ...audit });
  }
  return { token, id: tokenId(tokenHash), label, expiresAt };
}

/**
 * Bearer tokens resolved in the last few seconds, keyed by token hash. Scripts send thousands of
 * requests a second with one token. Revoking a token, disabling an account or changing a password
 * in this process clears the cache (forgetCachedTokens), so they take effect at once; a change
 * made by another process sharing the database takes effect within TOKEN_CACHE_MS.
 */
const TOKEN_CACHE_MS = 5000;
const tokenCache = new WeakMap<
  object,
  Map<string, { principal: Principal; until: number; expiresAt: number | null }>
>();

/** Drops every cached token resolution of this storage. */
export function forgetCachedTokens(storage: object): void {
  tokenCache.get(storage)?.clear();
}

/** The enabled principal an API token acts for, or null. */
export async function principalForToken(
  node: NodeContext,
  token: string,
  now: number,
): Promise<Principal | null> {
  return principalForTokenHash(node, hashSecret(token), now);
}

/** principalForToken by the token's hash (re-checks of a request already authenticated). */
export async function principalForTokenHash(
  node: NodeContext,
  tokenHash: string,
  now: number,
): Promise<Principal | null> {
  const storage = node.storage;
  let cache = tokenCache.get(storage);
  if (!cache) tokenCache.set(storage, (cache = new Map()));
  const cached = cache.get(tokenHash);
  if (cached && cached.until > now && (cached.expiresAt === null || cached.expiresAt > now))
    return cached.principal;
  const record = await storage.getApiToken(tokenHash);
  const expiresAt = record?.expiresAt ?? null;
  const expired = expiresAt !== null && expiresAt <= now;
  const principal = record && !expired ? await storage.getPrincipal(record.principal) : null;
  if (!principal || principal.disabled) {
    cache.delete(tokenHash);
    return null;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(tokenHash, { principal, until: now + TOKEN_CACHE_MS, expiresAt });
  return principal;
}

/** A session ends after this long without a request (OWASP session management: idle timeout). */
export const SESSION_IDLE_MS = 30 * 60_000;
/** last_seen_at is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * A live session by the hash of its cookie, with its principal (which may be disabled): neither
 * past its absolute end (the ttl) nor idle for SESSION_IDLE_MS. Each use moves the idle clock,
 * stored at most once a minute (not by re-checks, `touch: false`, so an open live stream alone
 * does not keep an unattended session alive). An ended session is deleted.
 */
export async function findSession(
  node: NodeContext,
  sessionHash: string,
  now: number,
  options: { idleMs?: number; touch?: boolean } = {},
): Promise<{ session: Session; principal: Principal | null } | null> {
  const { idleMs = SESSION_IDLE_MS, touch = true } = options;
  const session = await node.storage.getSession(sessionHash);
  if (!session) return null;
  // Sessions from before the idle timeout have last_seen_at 0: count from their start.
  const lastSeen = Math.max(session.lastSeenAt, session.createdAt);
  if (session.expiresAt <= now || lastSeen + idleMs <= now) {
    await node.storage.deleteSession(sessionHash);
    return null;
  }
  if (touch && now - lastSeen >= TOUCH_EVERY_MS) {
    await node.storage.touchSession(sessionHash, now);
    session.lastSeenAt = now;
  }
  return { session, principal: await node.storage.getPrincipal(session.principal) };
}

/** The public id of a token: the start of its hash, which reveals nothing of the secret. */
export function tokenId(tokenHash: string): string {
  return tokenHash.slice(0, 16);
}
