/**
 * The directory's views and inputs, defined once: the routes validate with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { ROLES } from '../../core/model.js';
import { idSchema } from '../primitives.js';
import { secondFactorSchema } from './passkeys-views.js';

export const loginBody = z.strictObject({ user: idSchema, password: z.string().min(1).max(1024) });
export const loginResponse = z.object({
  user: z.string(),
  role: z.enum(ROLES),
  office: z.string().nullable(),
  csrfToken: z.string(),
  expiresAt: z.number(),
  /**
   * What the session still owes (passkeys-views.ts): `none` (it works), `passkey` (finish with
   * `POST /api/v1/session/passkey`) or `passkey-enrol` (register one: `POST /api/v1/me/passkeys`).
   */
  secondFactor: secondFactorSchema,
});

export const tokenBody = z.strictObject({
  label: z.string().min(1).max(100),
  /** Lifetime in seconds; 90 days when left out, at most five years. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(5 * 365 * 24 * 3600)
    .optional(),
});
export const tokenResponse = z.object({
  token: z.string(),
  id: z.string(),
  label: z.string(),
  expiresAt: z.number(),
});
export const tokenSchema = z
  .object({
    id: z.string(),
    user: z.string(),
    label: z.string(),
    createdAt: z.number(),
    expiresAt: z.number().nullable(),
    lastUsedAt: z.number().nullable(),
    expired: z.boolean(),
  })
  .meta({ id: 'ApiToken' });
export const tokenListQuery = z.strictObject({
  user: idSchema.optional(),
  all: z.enum(['true', 'false']).optional(),
});
export const tokenParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a token id') });
export const passwordChangeBody = z.strictObject({
  current: z.string().min(1).max(1024),
  next: z.string().min(1).max(1024),
});
export const userParams = z.strictObject({ id: idSchema });
export const keyRotationBody = z.strictObject({ password: z.string().min(1).max(1024) });
export const keyRevocationBody = z.strictObject({ reason: z.string().trim().min(1).max(200) });
export const keyChangeSchema = z
  .object({
    user: z.string(),
    publicKey: z.string().nullable().describe('the key in force now; null after a revocation'),
    revokedKey: z.string().nullable(),
    entries: z.number().int().describe('key publications and revocations appended, one per channel'),
    sessionsEnded: z.number().int(),
    tokensEnded: z.number().int(),
  })
  .meta({ id: 'KeyChange' });

export const officeSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Office' });
export const officeBody = z.strictObject({ id: idSchema, name: z.string().min(1).max(200) });

export const principalSchema = z
  .object({
    id: z.string(),
    office: z.string().nullable(),
    role: z.enum(ROLES),
    title: z.string(),
    publicKey: z.string(),
    /** An administrator revoked `publicKey`; nothing signs as the person until they rotate it. */
    keyRevoked: z.boolean(),
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
