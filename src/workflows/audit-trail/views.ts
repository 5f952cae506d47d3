/**
 * The audit trail's inputs and views, defined once: the route validates with them, the OpenAPI
 * document is generated from them, the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { SECURITY_ACTIONS } from './actions.js';

/** A small object of facts about an event: flat, short values, never a secret. */
export const securityDetailsSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'detail names are short camelCase words'),
  z.union([z.string().max(16_384), z.number().int(), z.boolean(), z.null()]),
);
export type SecurityDetails = z.infer<typeof securityDetailsSchema>;

export const securityEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.number().int(),
    actor: z.string().nullable(),
    action: z.string(),
    subject: z.string().nullable(),
    address: z.string().nullable(),
    details: securityDetailsSchema,
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'SecurityEvent' });
export type SecurityEventView = z.infer<typeof securityEventSchema>;

const TIME_RULE = 'must be milliseconds since 1970 or an ISO 8601 time such as 2026-12-01T09:00:00Z';
/** A time in a query: milliseconds, or an ISO 8601 date-time (read as ms). */
const timeParam = z
  .string()
  .regex(/^([0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?)$/, TIME_RULE)
  .transform((text) => (/^[0-9]+$/.test(text) ? Number(text) : Date.parse(text)))
  .refine((ms) => Number.isSafeInteger(ms), TIME_RULE);

export const securityEventQuery = z.strictObject({
  action: z.enum(SECURITY_ACTIONS).optional(),
  actor: z.string().min(1).max(200).optional(),
  subject: z.string().min(1).max(200).optional(),
  since: timeParam.optional(),
  until: timeParam.optional(),
  /** Paging: events older than this seq (the `next` of the previous page). */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type SecurityEventFilter = z.output<typeof securityEventQuery>;

export const securityEventPage = z.object({
  events: z.array(securityEventSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.number().int().nullable(),
});
export type SecurityEventPage = z.infer<typeof securityEventPage>;
