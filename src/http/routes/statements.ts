/**
 * Joint statements: each statement's versions (with disputed passages in brackets), approvals on
 * the current text's hash, who is still to approve, and the release. Drafting, revising,
 * approving and releasing are entries (`statement-draft`, `statement-approve`,
 * `statement-release`) posted like any other.
 */
import { z } from 'zod';
import { listStatements } from '../../workflows/statements/queries.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelParams, errorSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { statementSchema } from '../../workflows/statements/views.js';

export function registerStatementRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels/:channel/statements',
    {
      schema: {
        summary: 'Joint statements of a channel: versions, brackets, approvals, release',
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
}
