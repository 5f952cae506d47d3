/**
 * Joint statements: each statement's versions (with disputed passages in brackets), the proposed
 * resolution of each bracket and who agreed to it, approvals on the settled text's hash, who is
 * still to approve, and the release (embargoed until a time, or not). Drafting, resolving,
 * agreeing, reopening, approving and releasing are entries (`statement-draft`,
 * `statement-resolution`, `statement-resolution-agree`, `statement-reopen`,
 * `statement-approve`, `statement-release`) posted like any other.
 *
 * The public record: `public-statement` entries, listed apart from the private record with the
 * private entries that refer to each.
 */
import { z } from 'zod';
import { listStatements } from '../../workflows/statements/queries.js';
import { getPublicStatement, listPublicStatements } from '../../workflows/public-statements/queries.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelParams, entryParams, errorSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { statementSchema } from '../../workflows/statements/views.js';
import { publicStatementSchema } from '../../workflows/public-statements/views.js';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

export function registerStatementRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels/:channel/statements',
    {
      schema: {
        summary:
          'Joint statements of a channel: versions, brackets and their resolutions, approvals, release and embargo',
        tags: ['statements'],
        params: channelParams,
        response: {
          200: z.object({ statements: z.array(statementSchema) }),
          401: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request) => ({
      statements: await listStatements(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/public-statements',
    {
      schema: {
        summary:
          'The public record of a channel: public statements (newest first), with the private entries referring to each',
        tags: ['statements'],
        params: channelParams,
        response: { 200: z.object({ publicStatements: z.array(publicStatementSchema) }), ...errors },
      },
    },
    async (request) => ({
      publicStatements: await listPublicStatements(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/public-statements/:party/:seq',
    {
      schema: {
        summary: 'One public statement, with the private entries referring to it',
        tags: ['statements'],
        params: entryParams,
        response: { 200: publicStatementSchema, ...errors },
      },
    },
    async (request) =>
      getPublicStatement(
        node,
        authOf(request).principal,
        request.params.channel,
        `${request.params.party}/${request.params.seq}`,
      ),
  );
}
