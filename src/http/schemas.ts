/**
 * What only the HTTP edge defines: the error shape, path parameters and paging. Views and inputs
 * of each capability are defined once in its workflow (workflows/<name>/views.ts) and re-exported
 * here for the routes.
 */
import { z } from 'zod';
import { idSchema, partySchema } from '../workflows/primitives.js';

export { idSchema, languageSchema, partySchema } from '../workflows/primitives.js';
export * from '../workflows/directory/views.js';
export * from '../workflows/channels/views.js';
export * from '../workflows/entries/views.js';

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error' });

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
