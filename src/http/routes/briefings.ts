/**
 * Briefings and invitations: each channel's briefings (every occurrence with its answers,
 * changes and minutes) and invitation threads, and briefing calendars in iCalendar (RFC 5545)
 * per office and per channel, exported for the caller or as a subscribable address with its own
 * revocable token. The entries themselves (`briefing-proposal`, `briefing-answer`,
 * `briefing-change`, `briefing-record`, `briefing-amendment`, `invitation-proposal`,
 * `invitation-counter`, `invitation-response`, `invitation-withdraw`) are posted like any other.
 */
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { listBriefings } from '../../workflows/contacts/briefings/queries.js';
import { listInvitations } from '../../workflows/contacts/invitations/queries.js';
import {
  createFeed,
  exportCalendar,
  feedCalendar,
  listFeeds,
  revokeFeed,
} from '../../workflows/contacts/briefings/feeds.js';
import { briefingSchema, calendarFeedSchema } from '../../workflows/contacts/briefings/views.js';
import { invitationSchema } from '../../workflows/contacts/invitations/views.js';
import { readoutSchema } from '../../workflows/contacts/views.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelParams, errorSchema, idSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };
const CALENDAR_TYPE = 'text/calendar; charset=utf-8';

function sendCalendar(reply: FastifyReply, name: string, text: string): FastifyReply {
  return reply
    .header('content-type', CALENDAR_TYPE)
    .header('content-disposition', `inline; filename="${name}.ics"`)
    .send(text);
}

export function registerBriefingRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels/:channel/briefings',
    {
      schema: {
        summary:
          'Briefings and calls: each occurrence with its answers, changes and minutes (with amendments), refused entries, readouts; and readouts of no briefing',
        tags: ['briefings'],
        params: channelParams,
        response: {
          200: z.object({ briefings: z.array(briefingSchema), readouts: z.array(readoutSchema) }),
          ...errors,
        },
      },
    },
    async (request) => listBriefings(node, authOf(request).principal, request.params.channel),
  );

  app.get(
    '/api/v1/channels/:channel/invitations',
    {
      schema: {
        summary:
          'Invitations: each thread with its terms (proposal, counter-proposals), answers, state, answer deadline and whether it is overdue',
        tags: ['invitations'],
        params: channelParams,
        response: { 200: z.object({ invitations: z.array(invitationSchema) }), ...errors },
      },
    },
    async (request) => ({
      invitations: await listInvitations(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/calendar.ics',
    {
      schema: {
        summary: "The channel's briefings as iCalendar (text/calendar): one event per occurrence",
        tags: ['briefings'],
        params: channelParams,
        response: { ...errors },
      },
    },
    async (request, reply) =>
      sendCalendar(
        reply,
        request.params.channel,
        await exportCalendar(node, authOf(request).principal, 'channel', request.params.channel),
      ),
  );

  app.get(
    '/api/v1/offices/:office/calendar.ics',
    {
      schema: {
        summary:
          "An office's briefings in every channel it takes part in, as iCalendar (its people or an admin)",
        tags: ['briefings'],
        params: z.strictObject({ office: idSchema }),
        response: { ...errors, 403: errorSchema },
      },
    },
    async (request, reply) =>
      sendCalendar(
        reply,
        request.params.office,
        await exportCalendar(node, authOf(request).principal, 'office', request.params.office),
      ),
  );

  app.post(
    '/api/v1/calendar-feeds',
    {
      schema: {
        summary:
          'A subscribable calendar address for an office or a channel, with its own read-only token (shown once in url)',
        tags: ['briefings'],
        body: z.strictObject({ scope: z.enum(['office', 'channel']), target: idSchema }),
        response: { 201: calendarFeedSchema, ...errors, 403: errorSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createFeed(node, authOf(request).principal, request.body.scope, request.body.target)),
  );

  app.get(
    '/api/v1/calendar-feeds',
    {
      schema: {
        summary: "My calendar feeds (an admin's: everyone's), without their tokens",
        tags: ['briefings'],
        response: { 200: z.object({ feeds: z.array(calendarFeedSchema) }), ...errors },
      },
    },
    async (request) => ({ feeds: await listFeeds(node, authOf(request).principal) }),
  );

  app.delete(
    '/api/v1/calendar-feeds/:id',
    {
      schema: {
        summary: 'Revoke a calendar feed: its address answers 404 from now on',
        tags: ['briefings'],
        params: z.strictObject({ id: z.string().min(1).max(64) }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await revokeFeed(node, authOf(request).principal, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/calendar/:token',
    {
      config: { public: true },
      schema: {
        summary:
          'A subscribed calendar (text/calendar), read with the token in its address; 404 once revoked',
        tags: ['briefings'],
        params: z.strictObject({ token: z.string().min(1).max(200) }),
        response: { 404: errorSchema },
      },
    },
    async (request, reply) => sendCalendar(reply, 'parley', await feedCalendar(node, request.params.token)),
  );
}
