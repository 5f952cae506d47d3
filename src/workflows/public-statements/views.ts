/** The public record's view, defined once (zod) for the routes, the OpenAPI document, CLI and web. */
import { z } from 'zod';

export const publicStatementSchema = z
  .object({
    id: z.string(),
    hash: z.string(),
    speaker: z.string(),
    office: z.string(),
    party: z.string(),
    venue: z.string(),
    url: z.string().optional(),
    publishedAt: z.string(),
    relayedBy: z.string().optional(),
    language: z.string(),
    text: z.string(),
    recordedBy: z.object({ party: z.string(), by: z.string(), at: z.string() }),
    marking: z.string().nullable(),
    referredBy: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        party: z.string(),
        by: z.string(),
        at: z.string(),
        summary: z.string(),
      }),
    ),
  })
  .meta({ id: 'PublicStatement' });
