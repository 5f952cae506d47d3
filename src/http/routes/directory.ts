/** Offices and users of this node. Listing is open to any signed-in principal; changes to admins. */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import type { Principal } from '../../storage/storage.js';
import { errorSchema, officeBody, officeSchema, principalBody, principalSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

/** What clients see of a principal: never the password hash or the private key. */
export function presentPrincipal(p: Principal): z.infer<typeof principalSchema> {
  return {
    id: p.id,
    office: p.office,
    role: p.role,
    title: p.title,
    publicKey: p.publicKey,
    disabled: p.disabled,
  };
}

export function registerDirectoryRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/offices',
    { schema: { summary: 'List offices', tags: ['directory'], response: { 200: z.array(officeSchema) } } },
    async () => node.storage.listOffices(),
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
      reply.status(201).send(await node.addOffice(authOf(request).principal, request.body)),
  );
  app.get(
    '/api/v1/users',
    { schema: { summary: 'List users', tags: ['directory'], response: { 200: z.array(principalSchema) } } },
    async () => (await node.storage.listPrincipals()).map(presentPrincipal),
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
      const created = await node.addPrincipal(authOf(request).principal, request.body);
      return reply.status(201).send(presentPrincipal(created));
    },
  );
}
