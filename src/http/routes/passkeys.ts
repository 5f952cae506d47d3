/**
 * Passkeys: one's own (list, register, rename, remove) and the passkey step of a login. Thin:
 * the ceremonies, their checks and the audit records are in workflows/directory/passkeys.ts.
 * The login step and first registration are open to a session that still owes its passkey
 * (`config.pendingFactor`); everything else needs a complete session (registering and removing)
 * or any authentication (listing).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  completePasskeyLogin,
  listPasskeys,
  passkeyLoginOptions,
  passkeyRegistrationOptions,
  registerPasskey,
  removeOwnPasskey,
  renamePasskey,
  type PasskeyCaller,
} from '../../workflows/directory/passkeys.js';
import { passkeyRequiredFor, type PasskeySettings } from '../../workflows/directory/passkeys-policy.js';
import {
  passkeyCreationOptions,
  passkeyListQuery,
  passkeyLoginBody,
  passkeyParams,
  passkeyRegisterBody,
  passkeyRenameBody,
  passkeyRequestOptions,
  passkeySchema,
} from '../../workflows/directory/passkeys-views.js';
import { PASSKEY_MODES } from '../../workflows/directory/passkeys-policy.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { errorSchema, loginResponse } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { clientAddress } from './session.js';

export interface PasskeyRouteOptions {
  /** null when the node does not use passkeys (every ceremony answers 404 passkeys_disabled). */
  settings: PasskeySettings | null;
  sessionTtlMs: number;
}

function callerOf(request: FastifyRequest): PasskeyCaller {
  const auth = authOf(request);
  return {
    principal: auth.principal,
    sessionHash: auth.sessionHash,
    ...(auth.pendingFactor ? { pendingFactor: auth.pendingFactor } : {}),
    ip: clientAddress(request),
  };
}

const refusals = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
};

export function registerPasskeyRoutes(app: TypedApp, node: ParleyNode, options: PasskeyRouteOptions): void {
  const { settings, sessionTtlMs } = options;

  app.get(
    '/api/v1/me/passkeys',
    {
      schema: {
        summary:
          "The node's passkey setting, whether one's role must have a passkey, and one's passkeys " +
          '(an admin: `user` for another person)',
        tags: ['passkeys'],
        querystring: passkeyListQuery,
        response: {
          200: z.object({
            mode: z.enum(PASSKEY_MODES),
            required: z.boolean(),
            passkeys: z.array(passkeySchema),
          }),
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const { principal } = authOf(request);
      return {
        mode: settings?.mode ?? 'off',
        required: passkeyRequiredFor(settings, principal),
        passkeys: await listPasskeys(node, principal, request.query.user),
      };
    },
  );

  app.post(
    '/api/v1/me/passkeys/options',
    {
      config: { pendingFactor: true },
      schema: {
        summary:
          'Start registering a passkey: options for `navigator.credentials.create()` ' +
          '(`startRegistration({ optionsJSON })`); browser sessions only, also right after the password ' +
          'step when the node requires a passkey and one has none',
        tags: ['passkeys'],
        response: { 200: passkeyCreationOptions, ...refusals },
      },
    },
    async (request) => passkeyRegistrationOptions(node, settings, callerOf(request)),
  );

  app.post(
    '/api/v1/me/passkeys',
    {
      config: { pendingFactor: true },
      schema: {
        summary:
          'Register a passkey from the answer to its options, with a name; completes a login that had to ' +
          'register one first',
        tags: ['passkeys'],
        body: passkeyRegisterBody,
        response: { 201: passkeySchema, ...refusals },
      },
    },
    async (request, reply) => {
      const registered = await registerPasskey(node, settings, callerOf(request), request.body, sessionTtlMs);
      return reply.status(201).send(registered);
    },
  );

  app.patch(
    '/api/v1/me/passkeys/:id',
    {
      schema: {
        summary: 'Rename one of your passkeys',
        tags: ['passkeys'],
        params: passkeyParams,
        body: passkeyRenameBody,
        response: { 200: passkeySchema, ...refusals },
      },
    },
    async (request) => renamePasskey(node, callerOf(request), request.params.id, request.body.name),
  );

  app.delete(
    '/api/v1/me/passkeys/:id',
    {
      schema: {
        summary:
          'Remove one of your passkeys (browser sessions only); the last one is kept when the node ' +
          'requires a passkey for your role',
        tags: ['passkeys'],
        params: passkeyParams,
        response: { 204: z.null(), ...refusals },
      },
    },
    async (request, reply) => {
      await removeOwnPasskey(node, settings, callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/session/passkey/options',
    {
      config: { pendingFactor: true },
      schema: {
        summary:
          'The passkey step of a login: options for `navigator.credentials.get()` ' +
          '(`startAuthentication({ optionsJSON })`), for a session whose login answered `secondFactor: passkey`',
        tags: ['session', 'passkeys'],
        response: { 200: passkeyRequestOptions, ...refusals },
      },
    },
    async (request) => passkeyLoginOptions(node, settings, callerOf(request)),
  );

  app.post(
    '/api/v1/session/passkey',
    {
      config: { pendingFactor: true },
      schema: {
        summary:
          'Finish a login with a passkey: verifies the answer to the options (once; a replay, an unknown ' +
          'passkey or a signature counter already seen is refused) and completes the session',
        tags: ['session', 'passkeys'],
        body: passkeyLoginBody,
        response: { 200: loginResponse, ...refusals },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const session = await completePasskeyLogin(node, settings, caller, request.body.response, sessionTtlMs);
      return {
        user: caller.principal.id,
        role: caller.principal.role,
        office: caller.principal.office,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
        secondFactor: 'none' as const,
      };
    },
  );
}
