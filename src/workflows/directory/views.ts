/**
 * The directory's views and inputs, defined once: the routes validate with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { ROLES } from '../../core/model.js';
import { idSchema } from '../primitives.js';

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
