/**
 * The briefings workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { readoutSchema } from '../views.js';

const answerSchema = z.object({
  id: z.string(),
  party: z.string(),
  by: z.string(),
  at: z.string(),
  answer: z.enum(['accept', 'decline']),
  reason: z.string().nullable(),
  series: z.boolean(),
});

const changeSchema = z.object({
  id: z.string(),
  party: z.string(),
  by: z.string(),
  at: z.string(),
  change: z.enum(['reschedule', 'postpone', 'cancel']),
  reason: z.string(),
  start: z.string().nullable(),
});

const minutesSchema = z.object({
  id: z.string(),
  party: z.string(),
  by: z.string(),
  at: z.string(),
  heldAt: z.string(),
  durationMinutes: z.number(),
  text: z.string(),
  original: z.string(),
  attended: z.array(z.string()),
  noShows: z.array(z.object({ office: z.string(), reason: z.string() })),
  amendments: z.array(
    z.object({
      id: z.string(),
      party: z.string(),
      by: z.string(),
      at: z.string(),
      minutes: z.string(),
      reason: z.string(),
    }),
  ),
});

export const occurrenceSchema = z
  .object({
    occurrence: z.string(),
    start: z.string(),
    durationMinutes: z.number(),
    state: z.enum(['proposed', 'accepted', 'declined', 'postponed', 'cancelled', 'held']),
    answers: z.array(answerSchema),
    waitingFor: z.array(z.string()),
    changes: z.array(changeSchema),
    minutes: minutesSchema.nullable(),
  })
  .meta({ id: 'BriefingOccurrence' });

export const briefingSchema = z
  .object({
    id: z.string(),
    party: z.string(),
    proposedBy: z.string(),
    at: z.string(),
    type: z.enum(['briefing', 'call']),
    title: z.string(),
    agenda: z.array(z.string()),
    start: z.string(),
    durationMinutes: z.number(),
    participants: z.array(z.object({ office: z.string(), party: z.string().nullable() })),
    rrule: z.string().nullable(),
    occurrences: z.array(occurrenceSchema),
    refused: z.array(z.object({ id: z.string(), kind: z.string(), party: z.string(), reason: z.string() })),
    readouts: z.array(readoutSchema),
  })
  .meta({ id: 'Briefing' });

export const calendarFeedSchema = z
  .object({
    id: z.string(),
    scope: z.enum(['office', 'channel']),
    target: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    /** The subscribable address; its token is shown only when the feed is created. */
    url: z.string().nullable(),
  })
  .meta({ id: 'CalendarFeed' });
