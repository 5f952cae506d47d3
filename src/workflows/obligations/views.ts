/**
 * The obligations workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { entryPositionFields } from '../primitives.js';
import { PRECEDENCES } from '../../core/entry.js';
import { OBLIGATIONS, ESCALATION_STEPS } from './kinds.js';

export const briefSchema = z.object({
  ...entryPositionFields,
  precedence: z.enum(PRECEDENCES),
  marking: z.string().optional(),
});

export const obligationSchema = z
  .object({
    type: z.enum(OBLIGATIONS),
    channel: z.string(),
    about: briefSchema,
    item: briefSchema,
    owedBy: z.string(),
    owedTo: z.string(),
    since: z.string(),
    due: z.string(),
    overdue: z.boolean(),
    note: z.string().nullable(),
    subject: z.string().optional(),
    /** The opening words of the item's text (at most 140 characters). */
    excerpt: z.string().optional(),
  })
  .meta({ id: 'Obligation' });

export const windowSchema = z.object({ deliveryMinutes: z.number(), responseMinutes: z.number() });

export const escalationSchema = z.object({
  id: z.string(),
  about: z.string(),
  obligation: z.string(),
  owedBy: z.string(),
  step: z.enum(ESCALATION_STEPS),
  due: z.string(),
  notify: z.array(z.string()),
  at: z.string(),
});

export const answerSchema = z.object({
  id: z.string(),
  author: z.string(),
  at: z.string(),
  text: z.string(),
});
export const passageSchema = z.object({ start: z.number(), end: z.number(), quote: z.string() });
export const requestSchema = z.object({
  id: z.string(),
  hash: z.string(),
  party: z.string(),
  author: z.string(),
  at: z.string(),
  passage: passageSchema,
  question: z.string(),
});
