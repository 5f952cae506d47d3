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
  /** The bound parties that did not keep it. */
  missing: z.array(z.string()),
});

export const commitmentSchema = z
  .object({
    id: z.string(),
    channel: z.string(),
    party: z.string(),
    by: z.string(),
    at: z.string(),
    commitment: z.string(),
    what: z.enum(['briefing', 'contact']),
    every: z.string(),
    owners: z.array(z.object({ principal: z.string(), party: z.string().nullable() })),
    source: z.string().nullable(),
    order: z.string().nullable(),
    from: z.string(),
    /** proposed: some owner's party has not accepted; binding: every one has; refused: binds nobody. */
    state: z.enum(['proposed', 'binding', 'refused']),
    problem: z.string().nullable(),
    parties: z.array(z.string()),
    /** When each party became bound. */
    bound: z.record(z.string(), z.string()),
    accepted: z.array(z.object({ party: z.string(), id: z.string(), by: z.string(), at: z.string() })),
    awaiting: z.array(z.string()),
    refused: z.array(z.object({ id: z.string(), kind: z.string(), party: z.string(), reason: z.string() })),
    cadence: z.object({
      periods: z.array(periodSchema),
      current: periodSchema.nullable(),
      closed: z.number().int(),
      lastContact: z.string().nullable(),
      nextDue: z.string(),
      /** Every closed period kept; null before any period closed. */
      kept: z.boolean().nullable(),
    }),
  })
  .meta({ id: 'Commitment' });

export const contactOrderSchema = z
  .object({
    id: z.string(),
    party: z.string(),
    by: z.string(),
    at: z.string(),
    order: z.string(),
    orderedBy: z.string(),
    offices: z.record(z.string(), z.array(z.string())),
    why: z.string(),
    what: z.enum(['briefing', 'contact']),
    every: z.string(),
    given: z.string().nullable(),
    commitments: z.array(z.string()),
  })
  .meta({ id: 'ContactOrder' });

export const channelMetricsSchema = z
  .object({
    channel: z.string(),
    at: z.string(),
    lastContact: z.string().nullable(),
    contactsPerWeek: z.array(z.object({ week: z.string(), from: z.string(), contacts: z.number().int() })),
    responseTimes: z.array(
      z.object({
        precedence: z.enum(['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH']),
        items: z.number().int(),
        answered: z.number().int(),
        medianMs: z.number().nullable(),
        p90Ms: z.number().nullable(),
      }),
    ),
    open: z.object({
      total: z.number().int(),
      overdue: z.number().int(),
      byType: z.array(z.object({ type: z.string(), count: z.number().int(), overdue: z.number().int() })),
    }),
  })
  .meta({ id: 'ChannelMetrics' });

export const channelPersonSchema = z
  .object({
    principal: z.string(),
    party: z.string(),
    office: z.string().nullable(),
    role: z.string(),
  })
  .meta({ id: 'ChannelPerson' });
