/**
 * Login, logout, the current user and API tokens. Failed logins are rate-limited per account and
 * per address and recorded in the audit log; the password never reaches a log line.
 */
import { z } from 'zod';
import type { LoginLimiter } from '../../workflows/directory/login-limiter.js';
import { presentPrincipal } from '../../workflows/directory/queries.js';
import { createApiToken, logIn, logOut } from '../../workflows/directory/sessions.js';
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

export interface SessionRouteOptions {
  limiter: LoginLimiter;
  secureCookies: boolean;
  sessionTtlMs: number;
}

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
      let started;
      try {
        started = await logIn(node, limiter, { user, password, ip: request.ip }, options.sessionTtlMs);
      } catch (error) {
        if (error instanceof ParleyError && error.code === 'invalid_credentials')
          request.log.warn({ user, ip: request.ip }, 'login failed');
        throw error;
      }
      const { principal, secret, session } = started;
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
      if (auth.sessionHash) await logOut(node, auth.sessionHash);
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
      const token = await createApiToken(node, principal, request.body.label, request.ip);
      return reply.status(201).send({ token, label: request.body.label });
    },
  );
}
