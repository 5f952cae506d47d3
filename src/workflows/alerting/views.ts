/**
 * Alerting's views and inputs, defined once: the routes validate with them, the OpenAPI document
 * is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { idSchema } from '../primitives.js';

/** Most alternates one person may have: they are all told with the person. */
export const MAX_ALTERNATES = 5;
/** The longest watch one roster row may cover. */
export const MAX_SHIFT_MS = 31 * 24 * 3600_000;

const isoTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/,
    'must be a UTC time such as 2026-12-01T08:00Z',
  )
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real time');

export const emailSchema = z
  .string()
  .max(254)
  .regex(
    /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/,
    'must be an e-mail address such as duty@example.org',
  );

export const webhookUrlSchema = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const personAlertingSchema = z
  .object({
    user: z.string(),
    email: z.string().nullable(),
    alternates: z.array(z.string()),
  })
  .meta({ id: 'PersonAlerting' });

export const personAlertingBody = z.strictObject({
  /** Where escalations naming this person are e-mailed; null: none. Left out: unchanged. */
  email: emailSchema.nullable().optional(),
  /** Told with this person, in this order; replaces the list. Left out: unchanged. */
  alternates: z.array(idSchema).max(MAX_ALTERNATES).optional(),
});

export const officeAlertingSchema = z
  .object({
    office: z.string(),
    /** Shown to administrators and the office's heads only; it may carry a receiver's secret. */
    webhookUrl: z.string().nullable(),
  })
  .meta({ id: 'OfficeAlerting' });

export const officeAlertingBody = z.strictObject({ webhookUrl: webhookUrlSchema.nullable() });

export const watchShiftSchema = z
  .object({
    id: z.string(),
    office: z.string(),
    user: z.string(),
    from: z.string(),
    until: z.string(),
    /** Whether the shift covers the node's present time. */
    onWatch: z.boolean(),
    createdBy: z.string(),
  })
  .meta({ id: 'WatchShift' });

export const watchShiftBody = z
  .strictObject({ user: idSchema, from: isoTime, until: isoTime })
  .refine((body) => Date.parse(body.until) > Date.parse(body.from), {
    message: 'must be after from',
    path: ['until'],
  })
  .refine((body) => Date.parse(body.until) - Date.parse(body.from) <= MAX_SHIFT_MS, {
    message: 'a watch covers at most 31 days',
    path: ['until'],
  });

export const rosterSchema = z
  .object({
    office: z.string(),
    /** Who is on watch now (from the shifts), and their alternates. */
    onWatch: z.array(z.string()),
    shifts: z.array(watchShiftSchema),
  })
  .meta({ id: 'Roster' });

export const officeParams = z.strictObject({ id: idSchema });
export const shiftParams = z.strictObject({
  id: idSchema,
  shift: z.string().regex(/^[0-9a-f]{16}$/, 'must be a shift id'),
});

export const deliverySchema = z
  .object({
    id: z.string(),
    entry: z.string(),
    transport: z.enum(['email', 'webhook']),
    /** The person (e-mail) or office (webhook); never the address or URL. */
    target: z.string(),
    state: z.enum(['pending', 'sending', 'sent', 'failed']),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'AlertDelivery' });

export const deliveryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
