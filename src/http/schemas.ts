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

export const channelParams = z.strictObject({ channel: idSchema });
export const entryParams = z.strictObject({
  channel: idSchema,
  party: partySchema,
  seq: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export const pageQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const inboxQuery = z.strictObject({
  channel: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
