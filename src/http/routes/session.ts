/**
 * Login, logout, the current user and API tokens. Failed logins are rate-limited per account and
 * per address and recorded in the audit log; the password never reaches a log line.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { verifyPassword } from '../../workflows/directory/password.js';
import type { LoginLimiter } from '../../workflows/directory/login-limiter.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from '../../workflows/directory/tokens.js';
import { ParleyError } from '../../core/errors.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { SESSION_COOKIE } from '../authenticate.js';
import {
  errorSchema,
  loginBody,
  loginResponse,
  principalSchema,
  tokenBody,
  tokenResponse,
} from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { presentPrincipal } from './directory.js';

export interface SessionRouteOptions {
  limiter: LoginLimiter;
  secureCookies: boolean;
  sessionTtlMs: number;
}

// A real hash to compare against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH =
  'scrypt$N=32768,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function registerSessionRoutes(app: TypedApp, node: ParleyNode, options: SessionRouteOptions): void {
  const { limiter } = options;

  app.post(
    '/api/v1/session',
    {
      config: { public: true },
      schema: {
        summary: 'Log in with user id and password; sets an HttpOnly session cookie',
        tags: ['session'],
        security: [],
        body: loginBody,
        response: { 200: loginResponse, 401: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const { user, password } = request.body;
      const keys = [`user:${user}`, `ip:${request.ip}`];
      const wait = limiter.retryAfter(keys);
      if (wait > 0) {
        await node.storage.recordAudit({
          at: Date.now(),
          type: 'login_throttled',
          principal: user,
          ip: request.ip,
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
        await node.storage.recordAudit({
          at: Date.now(),
          type: 'login_failed',
          principal: user,
          ip: request.ip,
          detail: '',
        });
        request.log.warn({ user, ip: request.ip }, 'login failed');
        throw new ParleyError('invalid_credentials', 'user or password is wrong');
      }
      limiter.recordSuccess(`user:${user}`);
      const secret = newSecret();
      const now = Date.now();
      const session = {
        tokenHash: hashSecret(secret),
        principal: principal.id,
        csrfToken: randomBytes(24).toString('base64url'),
        createdAt: now,
        expiresAt: now + options.sessionTtlMs,
      };
      await node.storage.createSession(session);
      await node.storage.recordAudit({
        at: now,
        type: 'login',
        principal: principal.id,
        ip: request.ip,
        detail: '',
      });
      const cookie = [
        `${SESSION_COOKIE}=${secret}`,
        'Path=/',
        'HttpOnly',
        'SameSite=Strict',
        `Max-Age=${Math.floor(options.sessionTtlMs / 1000)}`,
        ...(options.secureCookies ? ['Secure'] : []),
      ].join('; ');
      void reply.header('set-cookie', cookie);
      return {
        user: principal.id,
        role: principal.role,
        office: principal.office,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
      };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      schema: {
        summary: 'Log out (ends the cookie session)',
        tags: ['session'],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      if (auth.sessionHash) await node.storage.deleteSession(auth.sessionHash);
      void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        summary: 'The authenticated principal and this node',
        tags: ['session'],
        response: {
          200: z.object({
            principal: principalSchema,
            node: z.object({ party: z.string(), partyName: z.string(), fingerprint: z.string() }),
          }),
        },
      },
    },
    async (request) => {
      const { principal } = authOf(request);
      return {
        principal: presentPrincipal(principal),
        node: { party: node.party, partyName: node.partyName, fingerprint: node.fingerprint },
      };
    },
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'Create a bearer API token for the authenticated principal (shown once)',
        tags: ['session'],
        body: tokenBody,
        response: { 201: tokenResponse },
      },
    },
    async (request, reply) => {
      const { principal } = authOf(request);
      const token = newSecret(API_TOKEN_PREFIX);
      await node.storage.createApiToken({
        tokenHash: hashSecret(token),
        principal: principal.id,
        label: request.body.label,
        createdAt: Date.now(),
      });
      await node.storage.recordAudit({
        at: Date.now(),
        type: 'token_created',
        principal: principal.id,
        ip: request.ip,
        detail: request.body.label,
      });
      return reply.status(201).send({ token, label: request.body.label });
    },
  );
}
