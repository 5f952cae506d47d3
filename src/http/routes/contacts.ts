/**
 * Keeping contact: briefings with their acceptances, minutes and readouts; invitations and their
 * answers; commitments to a cadence and whether each period was kept. The entries themselves
 * (`briefing`, `briefing-accept`, `briefing-minutes`, `readout`, `invitation`,
 * `invitation-answer`, `commitment`) are posted like any other.
 */
import { z } from 'zod';
import { briefings, commitments, invitations } from '../../workflows/contacts/queries.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelParams, errorSchema, idSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { readoutSchema, commitmentSchema } from '../../workflows/contacts/views.js';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

const iso = (ms: number) => new Date(ms).toISOString();

export function registerContactRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels/:channel/briefings',
    {
      schema: {
        summary:
          'Briefings (proposed, accepted, held with minutes) with their readouts; readouts of no briefing',
        tags: ['contacts'],
        params: channelParams,
        response: {
          200: z.object({
            briefings: z.array(
              z.object({
                id: z.string(),
                title: z.string(),
                agenda: z.array(z.string()),
                at: z.string().nullable(),
                party: z.string(),
                proposedBy: z.string(),
                acceptedBy: z.array(z.object({ party: z.string(), by: z.string(), at: z.string() })),
                waitingFor: z.array(z.string()),
                minutes: z
                  .object({
                    id: z.string(),
                    heldAt: z.string(),
                    durationMinutes: z.number(),
                    summary: z.string().nullable(),
                  })
                  .nullable(),
                readouts: z.array(readoutSchema),
              }),
            ),
            readouts: z.array(readoutSchema),
          }),
          ...errors,
        },
      },
    },
    async (request) => briefings(node, authOf(request).principal, request.params.channel),
  );

  app.get(
    '/api/v1/channels/:channel/invitations',
    {
      schema: {
        summary: 'Invitations with their answers and state: pending, accepted, declined, deferred or overdue',
        tags: ['contacts'],
        params: channelParams,
        response: {
          200: z.object({
            invitations: z.array(
              z.object({
                id: z.string(),
                what: z.string(),
                where: z.string(),
                text: z.string().nullable(),
                respondBy: z.string(),
                party: z.string(),
                by: z.string(),
                answers: z.array(
                  z.object({
                    id: z.string(),
                    party: z.string(),
                    by: z.string(),
                    at: z.string(),
                    answer: z.string(),
                    note: z.string().nullable(),
                  }),
                ),
                state: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({
      invitations: await invitations(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/commitments',
    {
      schema: {
        summary: 'Commitments to a cadence of contact in my channels (or one), period by period: kept or not',
        tags: ['contacts'],
        querystring: z.strictObject({ channel: idSchema.optional() }),
        response: { 200: z.object({ commitments: z.array(commitmentSchema) }), ...errors },
      },
    },
    async (request) => ({
      commitments: (await commitments(node, authOf(request).principal, request.query.channel)).map((c) => ({
        ...c,
        cadence: {
          periods: c.cadence.periods.map((p) => ({ ...p, from: iso(p.from), to: iso(p.to) })),
          current: c.cadence.current
            ? { ...c.cadence.current, from: iso(c.cadence.current.from), to: iso(c.cadence.current.to) }
            : null,
          lastContact: c.cadence.lastContact === null ? null : iso(c.cadence.lastContact),
          nextDue: iso(c.cadence.nextDue),
          kept: c.cadence.kept,
        },
      })),
    }),
  );
}
