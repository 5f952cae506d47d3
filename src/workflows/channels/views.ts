/**
 * Channel views and inputs, defined once: the routes validate with them, the OpenAPI document is
 * generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { objectivesSchema } from '../../core/objectives.js';
import { idSchema, languageSchema, partySchema } from '../primitives.js';

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

export const channelChangeSchema = z
  .object({
    id: z.string(),
    hash: z.string(),
    change: z.enum(['suspend', 'resume', 'amend']),
    reason: z.string(),
    charter: z
      .object({
        languages: z.array(z.string()).optional(),
        objectives: z
          .record(z.string(), z.object({ deliveryMinutes: z.number(), responseMinutes: z.number() }))
          .optional(),
        observers: z.record(z.string(), z.array(z.string())).optional(),
        parties: z.record(z.string(), z.array(z.string())).optional(),
      })
      .optional(),
    by: z.string(),
    party: z.string(),
    at: z.string(),
    agreedBy: z.array(z.string()),
    waitingFor: z.array(z.string()),
  })
  .meta({ id: 'ChannelChange' });

export const channelStatusSchema = z.object({
  state: z.enum(['proposed', 'active', 'suspended', 'closed']),
  change: channelChangeSchema.nullable(),
  amendments: z.array(channelChangeSchema),
});
