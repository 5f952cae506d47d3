/**
 * The search workflow's views, defined once (zod): the route answers with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { MARKINGS, PRECEDENCES } from '../../core/entry.js';
import { idSchema, partySchema } from '../primitives.js';

/** The longest query accepted, in characters. */
export const MAX_QUERY_CHARS = 500;

const dateSchema = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(s) && Number.isFinite(Date.parse(s)),
    {
      message: 'must be a date such as 2026-12-01 or a time such as 2026-12-01T06:00:00Z',
    },
  )
  .transform((s) => Date.parse(s));

export const searchQuerySchema = z
  .strictObject({
    q: z
      .string()
      .trim()
      .min(1, 'must name at least one word to search for')
      .max(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`),
    channel: idSchema.optional(),
    party: partySchema.optional(),
    kind: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a kind such as note or notification')
      .optional(),
    precedence: z.enum(PRECEDENCES).optional(),
    /** `none`: real traffic only. */
    marking: z.enum([...MARKINGS, 'none']).optional(),
    /** Written at or after (a date is its UTC midnight). */
    from: dateSchema.optional(),
    /** Written before (a date is its UTC midnight: `to=2026-12-02` includes all of 1 December). */
    to: dateSchema.optional(),
    /** The `next` of the previous page. */
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'must be after from',
    path: ['to'],
  });

export type SearchInput = z.output<typeof searchQuerySchema>;

export const snippetPartSchema = z.object({ text: z.string(), match: z.boolean() });

export const searchHitSchema = z
  .object({
    channel: z.string(),
    channelName: z.string(),
    id: z.string(),
    party: z.string(),
    seq: z.number(),
    kind: z.string(),
    author: z.string(),
    precedence: z.enum(PRECEDENCES),
    marking: z.enum(MARKINGS).nullable(),
    /** When it was written (ISO 8601). */
    at: z.string(),
    /** The kind's one-line summary. */
    summary: z.string(),
    /** A window of the text around the first match; `match` parts hold a searched word. */
    snippet: z.array(snippetPartSchema),
    cursor: z.number(),
  })
  .meta({ id: 'SearchHit' });

export const searchResultsSchema = z
  .object({
    /** The index terms searched for (each word's stem). */
    terms: z.array(z.string()),
    hits: z.array(searchHitSchema),
    /** Pass as `before` for the next page; null on the last page. */
    next: z.number().nullable(),
  })
  .meta({ id: 'SearchResults' });

export type SearchHitView = z.infer<typeof searchHitSchema>;
export type SearchResults = z.infer<typeof searchResultsSchema>;
