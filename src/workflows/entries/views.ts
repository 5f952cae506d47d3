/**
 * Entry views and inputs, defined once: the routes validate with them, the OpenAPI document is
 * generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { MARKINGS, PRECEDENCES } from '../../core/entry.js';
import { MAX_TEXT } from '../../core/model.js';
import { languageSchema } from '../primitives.js';
import { RECEIPT_LEVELS } from './kinds.js';

export const entrySchema = z
  .object({
    id: z.string(),
    v: z.number(),
    channel: z.string(),
    party: z.string(),
    seq: z.number(),
    prev: z.string().nullable(),
    seen: z.record(z.string(), z.number()),
    hlc: z.string(),
    kind: z.string(),
    precedence: z.enum(PRECEDENCES),
    lang: z.string(),
    marking: z.enum(MARKINGS).optional(),
    body: z.record(z.string(), z.unknown()),
    author: z.string(),
    authorKey: z.string(),
    hash: z.string(),
    sig: z.string(),
    cursor: z.number().nullable(),
    storedAt: z.number(),
  })
  .meta({ id: 'Entry' });

export const postEntryBody = z.strictObject({
  kind: z.string().min(1).max(64),
  precedence: z.enum(PRECEDENCES).optional(),
  lang: languageSchema.optional(),
  /** `TEST` or `EXERCISE` for entries that are not real traffic. */
  marking: z.enum(MARKINGS).optional(),
  body: z.record(z.string(), z.unknown()),
});

export const deliverySchema = z
  .object({
    party: z.string(),
    state: z.enum(['queued', 'delivered', 'read', 'understood']),
    deliveredAt: z.string().nullable(),
    receipts: z.array(
      z.object({
        by: z.string(),
        level: z.enum(['read', 'understood']),
        at: z.string(),
        id: z.string(),
      }),
    ),
    /** Fields whose read-back in the latest "understood" receipt differs from the original. */
    readBackDiffers: z.array(z.string()),
  })
  .meta({ id: 'Delivery' });

export const ackBody = z.strictObject({
  level: z.enum(RECEIPT_LEVELS),
  /** Language of the read-back (default: the channel's first language). */
  lang: languageSchema.optional(),
  readBack: z.string().min(1).max(MAX_TEXT).optional(),
  /** For a notification with structured fields: each field as understood, compared automatically. */
  readBackFields: z
    .record(z.string().min(1).max(200), z.union([z.string().max(10_000), z.number().int(), z.boolean()]))
    .optional(),
});
