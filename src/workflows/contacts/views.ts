/**
 * The contacts workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';

export const readoutSchema = z.object({
  id: z.string(),
  party: z.string(),
  author: z.string(),
  at: z.string(),
  lang: z.string(),
  text: z.string(),
});

export const periodSchema = z.object({
  from: z.string(),
  to: z.string(),
  kept: z.boolean(),
  by: z.array(z.string()),
});

export const commitmentSchema = z
  .object({
    id: z.string(),
    channel: z.string(),
    commitment: z.string(),
    what: z.enum(['briefing', 'contact']),
    every: z.string(),
    owners: z.array(z.string()),
    source: z.string().nullable(),
    from: z.string(),
    cadence: z.object({
      periods: z.array(periodSchema),
      current: periodSchema.nullable(),
      lastContact: z.string().nullable(),
      nextDue: z.string(),
      kept: z.boolean(),
    }),
  })
  .meta({ id: 'Commitment' });
