/**
 * Response objectives and what is owed: "what do I owe" and "what am I owed", one item's full
 * status (delivery, answers, read-back, questions, deadlines, escalations) and open clarification
 * requests. Answers themselves are entries (`response`, `readback-review`,
 * `clarification-request`, `clarification`) posted like any other.
 */
import { z } from 'zod';
import { PRECEDENCES } from '../../core/entry.js';
import {
  clarifications,
  itemStatus,
  objectivesFor,
  owed,
  owing,
} from '../../workflows/obligations/queries.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelParams, deliverySchema, entryParams, errorSchema, idSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { getChannel } from '../../workflows/channels/queries.js';
import {
  briefSchema,
  obligationSchema,
  windowSchema,
  escalationSchema,
  answerSchema,
  passageSchema,
  requestSchema,
} from '../../workflows/obligations/views.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

function present<T extends { since: number; due: number }>(o: T) {
  return { ...o, since: new Date(o.since).toISOString(), due: new Date(o.due).toISOString() };
}

export function registerObligationRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/obligations',
    {
      schema: {
        summary:
          'What I owe (direction=owing: items awaiting my party’s response) or am owed (direction=owed: my items not yet understood), soonest deadline first',
        tags: ['obligations'],
        querystring: z.strictObject({
          direction: z.enum(['owing', 'owed']),
          channel: idSchema.optional(),
          /** Answer for an office of one of the caller's channels rather than for the caller. */
          office: idSchema.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.object({ obligations: z.array(obligationSchema) }), ...errors },
      },
    },
    async (request) => {
      const { direction, ...query } = request.query;
      const principal = authOf(request).principal;
      const list =
        direction === 'owing' ? await owing(node, principal, query) : await owed(node, principal, query);
      return { obligations: list.map(present) };
    },
  );

  app.get(
    '/api/v1/channels/:channel/objectives',
    {
      schema: {
        summary:
          'Delivery and response deadlines per precedence, from the charter (defaults where it sets none)',
        tags: ['obligations'],
        params: channelParams,
        response: { 200: z.record(z.enum(PRECEDENCES), windowSchema), ...errors },
      },
    },
    async (request) => {
      const channel = await getChannel(node, authOf(request).principal, request.params.channel);
      return objectivesFor(node, channel);
    },
  );

  app.get(
    '/api/v1/channels/:channel/entries/:party/:seq/status',
    {
      schema: {
        summary:
          'One item’s status: delivery per party, each party’s answer (with read-back comparison), clarifications, open obligations and escalations',
        tags: ['obligations'],
        params: entryParams,
        response: {
          200: z.object({
            id: z.string(),
            kind: z.string(),
            precedence: z.enum(PRECEDENCES),
            marking: z.string().optional(),
            objectives: windowSchema,
            delivery: z.array(deliverySchema),
            responses: z.array(
              z.object({
                party: z.string(),
                state: z.enum([
                  'awaiting',
                  'deferred',
                  'declined',
                  'understood',
                  'readback-pending',
                  'readback-confirmed',
                  'readback-corrected',
                ]),
                by: briefSchema.nullable(),
                detail: z.string().nullable(),
                fields: z
                  .array(
                    z.object({
                      field: z.string(),
                      expected: z.unknown(),
                      readBack: z.unknown(),
                      match: z.boolean(),
                    }),
                  )
                  .nullable(),
              }),
            ),
            clarifications: z.array(z.object({ request: requestSchema, answer: answerSchema.nullable() })),
            obligations: z.array(obligationSchema),
            escalations: z.array(escalationSchema),
            resolved: z.boolean(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { channel, party, seq } = request.params;
      const status = await itemStatus(node, authOf(request).principal, channel, party, seq);
      return { ...status, obligations: status.obligations.map(present) };
    },
  );

  app.get(
    '/api/v1/channels/:channel/clarifications',
    {
      schema: {
        summary: 'Clarification requests of a channel: open ones, or all with state=all',
        tags: ['obligations'],
        params: channelParams,
        querystring: z.strictObject({ state: z.enum(['open', 'all']).default('open') }),
        response: {
          200: z.object({
            clarifications: z.array(
              z.object({
                id: z.string(),
                hash: z.string(),
                item: z.string(),
                author: z.string(),
                party: z.string(),
                at: z.string(),
                passage: passageSchema,
                question: z.string(),
                due: z.string(),
                answer: answerSchema.nullable(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({
      clarifications: await clarifications(
        node,
        authOf(request).principal,
        request.params.channel,
        request.query.state === 'all',
      ),
    }),
  );
}
