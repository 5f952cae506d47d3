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
import type { PendingFactor, Session } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import { recordSecurityEvent } from '../audit-trail/record.js';
import type { LoginLimiter } from './login-limiter.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import { SECOND_FACTOR_WINDOW_MS } from './passkeys-policy.js';
import { announceAccessEnded } from './access-signal.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './tokens.js';
import {
  asActor,
  isSealedKey,
  REVOKED_KEY,
  signingKeyOf,
  unlockWithPassword,
  unwrapWithSecret,
  wrapForSecret,
} from './key-custody.js';

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
  /**
   * Passkeys (passkeys.ts): what this person still owes after the right password. When it owes
   * a factor, the session starts pending and works only for the passkey step until completed.
   */
  secondFactor?: (principal: Principal) => Promise<PendingFactor | null>,
): Promise<StartedSession> {
  const { user, password, ip } = attempt;
  // Counted before the hash runs (login-limiter.ts), so concurrent guesses cannot all pass.
  const admitted = limiter.begin(user, ip);
  if ('waitMs' in admitted) {
    await recordSecurityEvent(node, { action: 'login_throttled', actor: null, subject: user, address: ip });
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
    limiter.failed(ticket);
    await recordSecurityEvent(node, { action: 'login_failed', actor: null, subject: user, address: ip });
    throw new ParleyError('invalid_credentials', 'user or password is wrong');
  }
  limiter.succeeded(ticket);
  if (needsRehash(principal.passwordHash)) {
    // Hashed with older, weaker parameters: replaced now that the password is known. When the
    // hashing slots are full it waits for a later login rather than failing this one.
    const rehashed = await hashPassword(password).catch(() => null);
    if (rehashed) {
      await node.storage.setPasswordHash(principal.id, rehashed);
      await recordSecurityEvent(node, {
        action: 'password_rehashed',
        actor: principal.id,
        subject: principal.id,
        address: ip,
      });
    }
  }
  const unlocked = await unlockPersonKey(node, principal, password, ip);
  const pendingFactor = (await secondFactor?.(principal)) ?? null;
  const secret = newSecret();
  const now = Date.now();
  const session: Session = {
    tokenHash: hashSecret(secret),
    principal: principal.id,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: now + (pendingFactor ? SECOND_FACTOR_WINDOW_MS : sessionTtlMs),
    lastSeenAt: now,
    ...(pendingFactor ? { pendingFactor } : {}),
    // The signing key, unlocked by the password, travels with the session (key-custody.ts).
    wrappedKey: unlocked ? wrapForSecret(unlocked, secret, 'session', principal) : null,
  };
  await node.storage.createSession(session);
  await recordSecurityEvent(node, {
    // A password alone, when the node wants a passkey too, is not yet a login.
    action: pendingFactor ? 'login_password_ok' : 'login',
    actor: principal.id,
    subject: principal.id,
    address: ip,
    ...(pendingFactor ? { details: { awaiting: pendingFactor } } : {}),
  });
  return { principal: asActor(principal, unlocked), secret, session };
}

/**
 * The person's signing key unlocked with their verified password; a key from before sealing is
 * sealed now (`key_sealed`). Null when the stored key does not open (it was sealed under another
 * password, which only a tampered row explains): the login works, signing does not.
 */
async function unlockPersonKey(
  node: NodeContext,
  principal: Principal,
  password: string,
  ip: string | null,
): Promise<string | null> {
  const unlocked = await unlockWithPassword(principal, password);
  if (!unlocked) return null;
  if (unlocked.resealed) {
    await node.storage.setPrincipalKey(principal.id, unlocked.resealed);
    await recordSecurityEvent(node, {
      action: 'key_sealed',
      actor: principal.id,
      subject: principal.id,
      address: ip,
    });
  }
  return unlocked.privateKey;
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
  await recordSecurityEvent(node, { action: 'logout', actor, subject: actor, address: ip });
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
  // A token made by an unlocked person carries its own copy of the key, so scripts can sign.
  const key = actor.privateKey === '' ? null : { privateKey: signingKeyOf(actor), principal: actor };
  return issueApiToken(node, actor.id, label, expiresInMs, { actor: actor.id, ip }, key);
}

/**
 * A bearer token an administrator issues for an existing person (`parley token create` on the
 * node's machine); recorded in the audit log. With the person's password it carries their
 * unlocked signing key (the password is checked); without, it reads but cannot sign
 * (`key_locked`): the administrator cannot unlock someone else's key.
 */
export async function createApiTokenFor(
  node: NodeContext,
  actor: Principal,
  principalId: string,
  label: string,
  expiresInMs: number = DEFAULT_TOKEN_TTL_MS,
  personPassword?: string,
): Promise<IssuedToken & { signs: boolean }> {
  requireAdmin(actor);
  const principal = await node.storage.getPrincipal(principalId);
  if (!principal) throw new ParleyError('principal_not_found', `user '${principalId}' does not exist`);
  const key = personPassword === undefined ? null : await unlockForToken(principal, personPassword);
  const issued = await issueApiToken(
    node,
    principalId,
    label,
    expiresInMs,
    { actor: actor.id, ip: null },
    key,
  );
  return { ...issued, signs: key !== null };
}

/**
 * The person's key opened with their password, for a token; refuses a wrong password. A sealed
 * key opening (AES-GCM authenticates it) is the proof of the password; a plain key from before
 * sealing needs the password hash checked.
 */
async function unlockForToken(
  principal: Principal,
  password: string,
): Promise<{ privateKey: string; principal: Principal }> {
  const proven =
    isSealedKey(principal.privateKey) || (await verifyPassword(password, principal.passwordHash));
  if (proven && principal.privateKey === REVOKED_KEY)
    throw new ParleyError(
      'key_revoked',
      `the key of '${principal.id}' was revoked: rotate it first (parley user rotate-key)`,
    );
  const unlocked = proven && (await unlockWithPassword(principal, password));
  if (!unlocked)
    throw new ParleyError(
      'invalid_credentials',
      `the password of '${principal.id}' is wrong; the key stays locked`,
    );
  return { privateKey: unlocked.privateKey, principal };
}

/**
 * Fresh tokens for every person of this node (the demo hands them to its scripted people), each
 * carrying the person's key unlocked with their password (the demo's people share one).
 */
export async function issueTokensForEveryone(
  node: NodeContext,
  label: string,
  password: string,
): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const principal of await node.storage.listPrincipals()) {
    const key = await unlockForToken(principal, password);
    tokens[principal.id] = (
      await issueApiToken(node, principal.id, label, DEFAULT_TOKEN_TTL_MS, null, key)
    ).token;
  }
  return tokens;
}

/** Stores a new token's hash; the secret is returned once and never stored. */
async function issueApiToken(
  node: NodeContext,
  principal: string,
  label: string,
  expiresInMs: number,
  audit: { actor: string; ip: string | null } | null,
  key: { privateKey: string; principal: Principal } | null = null,
): Promise<IssuedToken> {
  if (!Number.isSafeInteger(expiresInMs) || expiresInMs <= 0 || expiresInMs > MAX_TOKEN_TTL_MS)
    throw new ParleyError('validation_failed', 'token lifetime must be between 1 ms and 5 years');
  const token = newSecret(API_TOKEN_PREFIX);
  const tokenHash = hashSecret(token);
  const now = Date.now();
  const expiresAt = now + expiresInMs;
  const wrappedKey = key ? wrapForSecret(key.privateKey, token, 'token', key.principal) : null;
  await node.storage.createApiToken({ tokenHash, principal, label, createdAt: now, expiresAt, wrappedKey });
  if (audit) {
    await recordSecurityEvent(node, {
      action: 'token_created',
      actor: audit.actor,
      subject: principal,
      address: audit.ip,
      details: { tokenId: tokenId(tokenHash), label, expiresAt },
    });
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
interface CachedToken {
  principal: Principal;
  wrappedKey: string | null;
  until: number;
  expiresAt: number | null;
  /**
   * The key unwrapped for this token, once a request presented it (undefined until then): held
   * as long as the resolution, so a script's thousands of requests unwrap it once, not each.
   */
  unlocked?: string | null;
}
const tokenCache = new WeakMap<object, Map<string, CachedToken>>();

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

/**
 * The actor an API token acts for: the enabled principal carrying the key unwrapped from the
 * token's own copy (key-custody.ts), or no key when the token has none. Null for no valid token.
 */
export async function actorForToken(
  node: NodeContext,
  token: string,
  now: number,
): Promise<Principal | null> {
  const found = await resolveToken(node, hashSecret(token), now);
  if (!found) return null;
  // Only the holder of the secret unwraps it, and the cache entry is keyed by the secret's hash.
  found.unlocked ??= unwrapWithSecret(found.wrappedKey, token, 'token', found.principal);
  return asActor(found.principal, found.unlocked);
}

/** principalForToken by the token's hash (re-checks of a request already authenticated). */
export async function principalForTokenHash(
  node: NodeContext,
  tokenHash: string,
  now: number,
): Promise<Principal | null> {
  return (await resolveToken(node, tokenHash, now))?.principal ?? null;
}

async function resolveToken(node: NodeContext, tokenHash: string, now: number): Promise<CachedToken | null> {
  const storage = node.storage;
  let cache = tokenCache.get(storage);
  if (!cache) tokenCache.set(storage, (cache = new Map()));
  const cached = cache.get(tokenHash);
  if (cached && cached.until > now && (cached.expiresAt === null || cached.expiresAt > now)) return cached;
  const record = await storage.getApiToken(tokenHash);
  if (record && now - (record.lastUsedAt ?? 0) >= TOUCH_EVERY_MS) await storage.touchApiToken(tokenHash, now);
  const expiresAt = record?.expiresAt ?? null;
  const expired = expiresAt !== null && expiresAt <= now;
  const principal = record && !expired ? await storage.getPrincipal(record.principal) : null;
  if (!principal || principal.disabled) {
    cache.delete(tokenHash);
    return null;
  }
  if (cache.size > 10_000) cache.clear();
  const entry: CachedToken = {
    principal,
    wrappedKey: record?.wrappedKey ?? null,
    until: now + TOKEN_CACHE_MS,
    expiresAt,
  };
  cache.set(tokenHash, entry);
  return entry;
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
