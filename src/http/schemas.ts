/**
 * Request and response schemas of the HTTP API, defined once with zod: they validate requests
 * and produce the OpenAPI document the node serves at /openapi.json.
 */
import { z } from 'zod';
import { MARKINGS, PRECEDENCES } from '../core/entry.js';
import { objectivesSchema } from '../core/objectives.js';
import {
  ID_PATTERN,
  LANGUAGE_PATTERN,
  PARTY_PATTERN,
  RECEIPT_LEVELS,
  MAX_TEXT,
} from '../workflows/channels/kinds.js';
import { ROLES } from '../storage/storage.js';

export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-" (max 64)');
export const partySchema = z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU');
export const languageSchema = z
  .string()
  .regex(LANGUAGE_PATTERN, 'must be a BCP 47 language tag such as en or ru');

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error' });

export const loginBody = z.strictObject({ user: idSchema, password: z.string().min(1).max(1024) });
export const loginResponse = z.object({
  user: z.string(),
  role: z.enum(ROLES),
  office: z.string().nullable(),
  csrfToken: z.string(),
  expiresAt: z.number(),
});

export const tokenBody = z.strictObject({ label: z.string().min(1).max(100) });
export const tokenResponse = z.object({ token: z.string(), label: z.string() });

export const officeSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Office' });
export const officeBody = z.strictObject({ id: idSchema, name: z.string().min(1).max(200) });

export const principalSchema = z
  .object({
    id: z.string(),
    office: z.string().nullable(),
    role: z.enum(ROLES),
    title: z.string(),
    publicKey: z.string(),
    disabled: z.boolean(),
  })
  .meta({ id: 'Principal' });
export const principalBody = z.strictObject({
  id: idSchema,
  office: idSchema.nullable(),
  role: z.enum(ROLES),
  title: z.string().max(200).default(''),
  password: z.string().min(1).max(1024),
});

export const channelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    offices: z.array(z.string()),
    languages: z.array(z.string()),
    parties: z.record(z.string(), z.array(z.string())),
    observers: z.record(z.string(), z.array(z.string())),
    state: z.enum(['proposed', 'active', 'suspended', 'closed']),
    createdAt: z.number(),
  })
  .meta({ id: 'Channel' });
export const channelBody = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(200),
  /** This party's member offices. */
  offices: z.array(idSchema).min(1).max(64),
  languages: z.array(languageSchema).min(1).max(16),
  /** Other parties' member offices; the channel is proposed to them and active once all accept. */
  peers: z.record(partySchema, z.array(idSchema).min(1).max(64)).optional(),
  /** Read-only offices per party. */
  observers: z.record(partySchema, z.array(idSchema).min(1).max(64)).optional(),
  /** Minutes for delivery and for a response, per precedence; defaults fill the rest. */
  objectives: objectivesSchema.optional(),
});

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

/**
 * A number in a path (a chain position): plain decimal digits only, `0` or without leading zeros,
 * at most a safe integer. `Number()` would also read " 5", "+5", "1e3" and "0x10", so one entry
 * would answer to many URLs; those are refused with 400 instead.
 */
export const pathNumberSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a plain decimal number such as 0 or 42')
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER, 'must be at most 9007199254740991'))
  // Documented as what it denotes (and as before), an integer: clients send numbers.
  .meta({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, pattern: undefined });

export const channelParams = z.strictObject({ channel: idSchema });
export const entryParams = z.strictObject({
  channel: idSchema,
  party: partySchema,
  seq: pathNumberSchema,
});
export const pageQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const inboxQuery = z.strictObject({
  channel: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
