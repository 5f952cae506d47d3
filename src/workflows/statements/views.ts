/**
 * The statements workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';

const bracket = z.object({ start: z.number(), end: z.number(), alternatives: z.array(z.string()) });
const by = { id: z.string(), party: z.string(), by: z.string(), at: z.string() };

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
        brackets: z.array(bracket),
        revises: z.string().nullable(),
      }),
    ),
    current: z.string(),
    text: z.string().meta({ description: 'The current text with every bracket resolved by every party' }),
    textHash: z.string().meta({ description: 'SHA-256 of `text`: the hash to approve' }),
    brackets: z.array(
      bracket.extend({
        index: z.number(),
        source: z.string(),
        resolution: z.string().nullable().meta({ description: 'The live proposal (`<party>/<seq>`)' }),
        resolved: z.boolean().meta({ description: 'Agreed by every party' }),
      }),
    ),
    resolutions: z.array(
      z.object({
        ...by,
        key: z.string(),
        bracket: z.number(),
        text: z.string(),
        agreedBy: z.array(z.string()),
        state: z.enum(['proposed', 'agreed', 'superseded', 'reopened']),
        reopened: z.object({ ...by, reason: z.string() }).nullable(),
      }),
    ),
    open: z.number(),
    state: z.enum(['bracketed', 'approving', 'embargoed', 'released']),
    approvals: z.array(z.object({ ...by, textHash: z.string() })),
    waitingFor: z.array(z.string()),
    released: z.object({ ...by, textHash: z.string(), embargoUntil: z.string().nullable() }).nullable(),
    refused: z.array(z.object({ id: z.string(), kind: z.string(), party: z.string(), reason: z.string() })),
  })
  .meta({ id: 'Statement' });
