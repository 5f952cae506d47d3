/**
 * Response objectives: per precedence, how soon delivery must be proven and how soon a person
 * must respond. A channel's charter may set them; these defaults fill what it leaves out.
 */
import { z } from 'zod';
import { PRECEDENCES } from './entry.js';

/** Per precedence: minutes until delivery must be proven, and until a person must respond. */
export const objectivesSchema = z.partialRecord(
  z.enum(PRECEDENCES),
  z.strictObject({
    deliveryMinutes: z.number().int().min(1).max(525_600),
    responseMinutes: z.number().int().min(1).max(525_600),
  }),
);
export type Objectives = Record<
  (typeof PRECEDENCES)[number],
  { deliveryMinutes: number; responseMinutes: number }
>;

/** Used where a charter sets no objective for a precedence. */
export const DEFAULT_OBJECTIVES: Objectives = {
  FLASH: { deliveryMinutes: 1, responseMinutes: 10 },
  IMMEDIATE: { deliveryMinutes: 5, responseMinutes: 30 },
  PRIORITY: { deliveryMinutes: 30, responseMinutes: 180 },
  ROUTINE: { deliveryMinutes: 180, responseMinutes: 1440 },
};

export function objectivesOf(charterObjectives: unknown): Objectives {
  const parsed = objectivesSchema.safeParse(charterObjectives ?? {});
  return { ...DEFAULT_OBJECTIVES, ...(parsed.success ? parsed.data : {}) };
}
