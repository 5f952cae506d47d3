/** Offices and users of this node. Listing is open to any signed-in principal; changes to admins. */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import { setAccountDisabled } from '../../workflows/directory/accounts.js';
import { addOffice, addPrincipal } from '../../workflows/directory/commands.js';
import { revokeKey, rotateOwnKey } from '../../workflows/directory/key-rotation.js';
import { listOffices, listPrincipals, presentPrincipal } from '../../workflows/directory/queries.js';
import {
  errorSchema,
  keyChangeSchema,
  keyRevocationBody,
  keyRotationBody,
  officeBody,
  officeSchema,
  principalBody,
  principalSchema,
  userParams,
} from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { clientAddress } from './session.js';

export function registerDirectoryRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/offices',
    { schema: { summary: 'List offices', tags: ['directory'], response: { 200: z.array(officeSchema) } } },
    async () => listOffices(node),
  );
  app.post(
    '/api/v1/offices',
    {
      schema: {
        summary: 'Add an office (admin)',
        tags: ['directory'],
        body: officeBody,
        response: { 201: officeSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addOffice(node, authOf(request).principal, request.body)),
  );
  app.get(
    '/api/v1/users',
    { schema: { summary: 'List users', tags: ['directory'], response: { 200: z.array(principalSchema) } } },
    async () => listPrincipals(node),
  );
  app.post(
    '/api/v1/users',
    {
      schema: {
        summary: "Add a user with a role; the node creates the user's signing key and publishes it (admin)",
        tags: ['directory'],
        body: principalBody,
        response: { 201: principalSchema, 400: errorSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const created = await addPrincipal(node, authOf(request).principal, request.body);
      return reply.status(201).send(presentPrincipal(created));
    },
  );
  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/api/v1/users/:id/${action}`,
      {
        schema: {
          summary:
            action === 'disable'
              ? 'Disable a user (admin): ends their sessions, API tokens and live streams at once'
              : 'Enable a disabled user again (admin); they log in anew and need new API tokens',
          tags: ['directory'],
          params: userParams,
          response: { 200: principalSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const changed = await setAccountDisabled(
          node,
          authOf(request).principal,
          request.params.id,
          action === 'disable',
          clientAddress(request),
        );
        return presentPrincipal(changed);
      },
    );
  }
  app.post(
    '/api/v1/me/key/rotate',
    {
      schema: {
        summary:
          "Replace one's own signing key, proving one's password: the new key is published in one's " +
          "channels and the old one revoked there (entries it signed stay valid); one's sessions end, " +
          'and API tokens keep reading but no longer sign',
        tags: ['directory'],
        body: keyRotationBody,
        response: { 200: keyChangeSchema, 400: errorSchema, 403: errorSchema },
      },
    },
    async (request) =>
      rotateOwnKey(node, authOf(request).principal, {
        password: request.body.password,
        ip: clientAddress(request),
      }),
  );
  app.post(
    '/api/v1/users/:id/key/revoke',
    {
      schema: {
        summary:
          "Revoke a user's signing key (admin): published as revoked in every channel, so every node " +
          'refuses what it signs from now on; their sessions and API tokens end; they sign again ' +
          'after rotating their key with their password',
        tags: ['directory'],
        params: userParams,
        body: keyRevocationBody,
        response: {
          200: keyChangeSchema,
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request) =>
      revokeKey(node, authOf(request).principal, request.params.id, {
        reason: request.body.reason,
        ip: clientAddress(request),
      }),
  );
}
