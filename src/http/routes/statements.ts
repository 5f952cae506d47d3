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

const statementSchema = z
  .object({
    statement: z.string(),
    title: z.string(),
    versions: z.array(
      z.object({
        id: z.string(),
        hash: z.string(),
        party: z.string(),
        author: z.string(),
        at: z.string(),
        text: z.string(),
        textHash: z.string(),
        brackets: z.array(
          z.object({ start: z.number(), end: z.number(), alternatives: z.array(z.string()) }),
        ),
        revises: z.string().nullable(),
      }),
    ),
    current: z.string(),
    state: z.enum(['bracketed', 'approving', 'released']),
    approvals: z.array(
      z.object({ id: z.string(), party: z.string(), by: z.string(), at: z.string(), textHash: z.string() }),
    ),
    waitingFor: z.array(z.string()),
    released: z.object({ id: z.string(), by: z.string(), at: z.string(), textHash: z.string() }).nullable(),
  })
  .meta({ id: 'Statement' });

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
