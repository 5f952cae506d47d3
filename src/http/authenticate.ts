/**
 * Authentication for every API request: a bearer API token (scripts, the CLI) or a session
 * cookie (browsers). Cookie-authenticated requests that change state must also carry the
 * session's CSRF token in `x-csrf-token`; with SameSite=Strict cookies this is defence in depth.
 * Expired or revoked tokens, ended or idle sessions and disabled accounts are refused with 401.
 */
import type { FastifyRequest } from 'fastify';
import { hashSecret } from '../workflows/directory/tokens.js';
import { ParleyError } from '../core/errors.js';
import type { Principal } from '../core/model.js';
import type { PendingFactor } from '../storage/storage.js';
import type { NodeContext } from '../workflows/context.js';
import { endsAccess, onAccessEnded } from '../workflows/directory/access-signal.js';
import { actorForToken, findSession, principalForTokenHash } from '../workflows/directory/sessions.js';
import { asActor, unwrapWithSecret } from '../workflows/directory/key-custody.js';

export const SESSION_COOKIE = 'parley_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The named cookie's value, or null when absent. A value that is not valid percent-encoding
 * (`%E0%A4%A`) is no session of ours: `unauthenticated` (401), not a URIError answered as 500.
 */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        throw new ParleyError('unauthenticated', 'session cookie is malformed; log in again');
      }
    }
  }
  return null;
}

export interface Authenticated {
  principal: Principal;
  via: 'token' | 'session';
  sessionHash?: string;
  tokenHash?: string;
  /** A session past its password step that still owes a passkey (routes/passkeys.ts). */
  pendingFactor?: PendingFactor;
}

/**
 * Resolves the acting principal or throws `unauthenticated` / `csrf_failed`, or `passkey_required`
 * for a session that owes its passkey, unless the route is part of that step (`allowPendingFactor`).
 */
export async function authenticate(
  request: FastifyRequest,
  node: NodeContext,
  now: number,
  options: { allowPendingFactor?: boolean } = {},
): Promise<Authenticated> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(authorization);
    if (!match) throw new ParleyError('unauthenticated', 'Authorization header must be `Bearer <token>`');
    const tokenHash = hashSecret(match[1]!);
    // The actor carries the key unwrapped from the token's copy, or none (key-custody.ts).
    const principal = await actorForToken(node, match[1]!, now);
    if (!principal) throw new ParleyError('unauthenticated', 'API token is not valid');
    return { principal, via: 'token', tokenHash };
  }
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (cookie === null)
    throw new ParleyError('unauthenticated', 'log in first, or send `Authorization: Bearer <token>`');
  const sessionHash = hashSecret(cookie);
  const found = await findSession(node, sessionHash, now);
  if (!found) throw new ParleyError('unauthenticated', 'session expired; log in again');
  const { session } = found;
  const principal = found.principal
    ? asActor(found.principal, unwrapWithSecret(session.wrappedKey, cookie, 'session', found.principal))
    : null;
  if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
    throw new ParleyError('csrf_failed', 'x-csrf-token header is missing or does not match the session');
  }
  if (!principal || principal.disabled) throw new ParleyError('unauthenticated', 'account is disabled');
  if (session.pendingFactor) {
    if (!options.allowPendingFactor)
      throw new ParleyError('passkey_required', 'finish logging in with your passkey first');
    return { principal, via: 'session', sessionHash, pendingFactor: session.pendingFactor };
  }
  return { principal, via: 'session', sessionHash };
}

/** Whether an earlier authentication still holds now (without moving the idle clock). */
export async function stillAuthenticated(
  auth: Authenticated,
  node: NodeContext,
  now: number,
): Promise<boolean> {
  if (auth.tokenHash !== undefined) return (await principalForTokenHash(node, auth.tokenHash, now)) !== null;
  if (auth.sessionHash === undefined) return false;
  const found = await findSession(node, auth.sessionHash, now, { touch: false });
  return (
    found !== null && found.principal !== null && !found.principal.disabled && !found.session.pendingFactor
  );
}

/**
 * Calls `ended` once when the access behind `auth` ends: at once on an in-process signal (logout,
 * revocation, disabled account, password change), else found by a re-check every `recheckMs`
 * (expiry, idle timeout, changes made by another process). Returns the stop function.
 */
export function watchAccess(
  auth: Authenticated,
  node: NodeContext,
  ended: () => void,
  recheckMs = 15_000,
): () => void {
  let done = false;
  const finish = (): void => {
    if (done) return;
    stop();
    ended();
  };
  const access = { principal: auth.principal.id, sessionHash: auth.sessionHash, tokenHash: auth.tokenHash };
  const unsubscribe = onAccessEnded(node.storage, (event) => {
    if (endsAccess(event, access)) finish();
  });
  const timer = setInterval(() => {
    stillAuthenticated(auth, node, Date.now()).then(
      (ok) => (ok ? undefined : finish()),
      () => undefined,
    );
  }, recheckMs);
  timer.unref();
  function stop(): void {
    done = true;
    unsubscribe();
    clearInterval(timer);
  }
  return stop;
}
