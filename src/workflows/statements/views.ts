/**
 * The statements workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';

export const statementSchema = z
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
