/**
 * Login, logout, the current user and API tokens. Failed logins are rate-limited per account and
 * per address and recorded in the audit log; the password never reaches a log line.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LoginLimiter } from '../../workflows/directory/login-limiter.js';
import { presentPrincipal } from '../../workflows/directory/queries.js';
import { changeOwnPassword, listTokens, revokeToken } from '../../workflows/directory/accounts.js';
import { createApiToken, logIn, logOut } from '../../workflows/directory/sessions.js';
import { secondFactorFor, type PasskeySettings } from '../../workflows/directory/passkeys-policy.js';
import { ParleyError } from '../../core/errors.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { SESSION_COOKIE } from '../authenticate.js';
import {
  errorSchema,
  loginBody,
  loginResponse,
  passwordChangeBody,
  principalSchema,
  tokenBody,
  tokenListQuery,
  tokenParams,
  tokenResponse,
  tokenSchema,
} from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

/**
 * The client's address for the login limiter and the audit log. Behind a reverse proxy every
 * request comes from the proxy, so with `PARLEY_TRUST_PROXY=1` the address is the last hop of
 * `X-Forwarded-For` (the one the trusted proxy added). Without it the header is ignored: a
 * client could otherwise pick a fresh address for every guess.
 */
export function clientAddress(request: FastifyRequest): string {
  const trusted = process.env.PARLEY_TRUST_PROXY;
  if (trusted !== '1' && trusted !== 'true') return request.ip;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return forwarded.at(-1) ?? request.ip;
}

export interface SessionRouteOptions {
  limiter: LoginLimiter;
  secureCookies: boolean;
  sessionTtlMs: number;
  /** The node's passkey settings (routes/passkeys.ts); null when passkeys are off. */
  passkeys: PasskeySettings | null;
}

export function registerSessionRoutes(app: TypedApp, node: ParleyNode, options: SessionRouteOptions): void {
  const { limiter } = options;

  app.post(
    '/api/v1/session',
    {
      config: { public: true },
      schema: {
        summary:
          'Log in with user id and password; sets an HttpOnly session cookie. When `secondFactor` is ' +
          'not `none` the session works only for its passkey step until that is done',
        tags: ['session'],
        security: [],
        body: loginBody,
        response: { 200: loginResponse, 401: errorSchema, 429: errorSchema, 503: errorSchema },
      },
    },
    async (request, reply) => {
      const { user, password } = request.body;
      const ip = clientAddress(request);
      let started;
      try {
        started = await logIn(node, limiter, { user, password, ip }, options.sessionTtlMs, (principal) =>
          secondFactorFor(node, options.passkeys, principal),
        );
      } catch (error) {
        if (error instanceof ParleyError && error.code === 'invalid_credentials')
          request.log.warn({ user, ip }, 'login failed');
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
        secondFactor: session.pendingFactor ?? ('none' as const),
      };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      config: { pendingFactor: true },
      schema: {
        summary: 'Log out (ends the cookie session)',
        tags: ['session'],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      if (auth.sessionHash) await logOut(node, auth.sessionHash, auth.principal.id, clientAddress(request));
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
        summary:
          'Create a bearer API token for the authenticated principal (shown once); it expires after ' +
          '`expiresInSeconds` (default 90 days)',
        tags: ['session'],
        body: tokenBody,
        response: { 201: tokenResponse, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { principal } = authOf(request);
      const { label, expiresInSeconds } = request.body;
      const issued = await createApiToken(
        node,
        principal,
        label,
        clientAddress(request),
        expiresInSeconds === undefined ? undefined : expiresInSeconds * 1000,
      );
      return reply.status(201).send(issued);
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        summary:
          "List API tokens (never their secrets): one's own; an admin another user's (`user`) or all (`all=true`)",
        tags: ['session'],
        querystring: tokenListQuery,
        response: { 200: z.array(tokenSchema), 403: errorSchema },
      },
    },
    async (request) => {
      const { user, all } = request.query;
      return listTokens(node, authOf(request).principal, { user, all: all === 'true' });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        summary: 'Revoke an API token at once: one of your own, or any (admin)',
        tags: ['session'],
        params: tokenParams,
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      await revokeToken(node, authOf(request).principal, request.params.id, clientAddress(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        summary: "Change one's own password (proving the current one); ends one's other sessions",
        tags: ['session'],
        body: passwordChangeBody,
        response: { 204: z.null(), 400: errorSchema, 403: errorSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      await changeOwnPassword(node, auth.principal, {
        current: request.body.current,
        next: request.body.next,
        keepSessionHash: auth.sessionHash ?? null,
        ip: clientAddress(request),
      });
      return reply.status(204).send(null);
    },
  );
}
