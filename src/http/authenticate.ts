/**
 * Authentication for every API request: a bearer API token (scripts, the CLI) or a session
 * cookie (browsers). Cookie-authenticated requests that change state must also carry the
 * session's CSRF token in `x-csrf-token`; with SameSite=Strict cookies this is defence in depth.
 */
import type { FastifyRequest } from 'fastify';
import { hashSecret } from '../workflows/directory/tokens.js';
import { ParleyError } from '../core/errors.js';
import type { Principal } from '../core/model.js';
import type { NodeContext } from '../workflows/context.js';
import { findSession, principalForToken } from '../workflows/directory/sessions.js';

export const SESSION_COOKIE = 'parley_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  return null;
}

export interface Authenticated {
  principal: Principal;
  via: 'token' | 'session';
  sessionHash?: string;
}

/** Resolves the acting principal or throws `unauthenticated` / `csrf_failed`. */
export async function authenticate(
  request: FastifyRequest,
  node: NodeContext,
  now: number,
): Promise<Authenticated> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(authorization);
    if (!match) throw new ParleyError('unauthenticated', 'Authorization header must be `Bearer <token>`');
    const principal = await principalForToken(node, match[1]!, now);
    if (!principal) throw new ParleyError('unauthenticated', 'API token is not valid');
    return { principal, via: 'token' };
  }
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (cookie === null)
    throw new ParleyError('unauthenticated', 'log in first, or send `Authorization: Bearer <token>`');
  const sessionHash = hashSecret(cookie);
  const found = await findSession(node, sessionHash, now);
  if (!found) throw new ParleyError('unauthenticated', 'session expired; log in again');
  const { session, principal } = found;
  if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
    throw new ParleyError('csrf_failed', 'x-csrf-token header is missing or does not match the session');
  }
  if (!principal || principal.disabled) throw new ParleyError('unauthenticated', 'account is disabled');
  return { principal, via: 'session', sessionHash };
}
