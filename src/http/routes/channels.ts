/**
 * Channels and their entries: create and list channels, append entries, page through a channel,
 * acknowledge entries, the inbox of entries awaiting the caller's receipt, and live updates as
 * Server-Sent Events.
 */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import { acceptChannel, createChannel } from '../../workflows/channels/commands.js';
import { channelStatus, getChannel, listChannels } from '../../workflows/channels/queries.js';
import { acknowledge, postEntry } from '../../workflows/entries/commands.js';
import { deliveryState, getEntry, inbox, listEntries } from '../../workflows/entries/queries.js';
import {
  ackBody,
  deliverySchema,
  channelBody,
  channelParams,
  channelSchema,
  channelStatusSchema,
  entryParams,
  entrySchema,
  errorSchema,
  inboxQuery,
  pageQuery,
  postEntryBody,
} from '../schemas.js';
import { resumeCursor, streamEntries } from '../event-stream.js';
import { authOf, type TypedApp } from '../typed-app.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema };

export function registerChannelRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels',
    {
      schema: {
        summary: 'Channels the caller may read',
        tags: ['channels'],
        response: { 200: z.array(channelSchema) },
      },
    },
    async (request) => listChannels(node, authOf(request).principal),
  );

  app.post(
    '/api/v1/channels',
    {
      schema: {
        summary: 'Create a channel between offices; its charter is the first signed entry (admin)',
        tags: ['channels'],
        body: channelBody,
        response: { 201: channelSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createChannel(node, authOf(request).principal, request.body)),
  );

  app.get(
    '/api/v1/channels/:channel',
    {
      schema: {
        summary: 'One channel',
        tags: ['channels'],
        params: channelParams,
        response: { 200: channelSchema, ...errors },
      },
    },
    async (request) => getChannel(node, authOf(request).principal, request.params.channel),
  );

  app.get(
    '/api/v1/channels/:channel/entries',
    {
      schema: {
        summary: 'Entries of a channel after a cursor, in the order this node stored them',
        tags: ['entries'],
        params: channelParams,
        querystring: pageQuery,
        response: { 200: z.object({ entries: z.array(entrySchema), next: z.number() }), ...errors },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      const entries = await listEntries(
        node,
        authOf(request).principal,
        request.params.channel,
        after,
        limit,
      );
      return { entries, next: entries.at(-1)?.cursor ?? after };
    },
  );

  app.post(
    '/api/v1/channels/:channel/entries',
    {
      schema: {
        summary: 'Append a signed entry; answers 201 only once it is durable',
        tags: ['entries'],
        params: channelParams,
        body: postEntryBody,
        response: { 201: entrySchema, ...errors },
      },
    },
    async (request, reply) => {
      const entry = await postEntry(node, authOf(request).principal, request.params.channel, request.body);
      return reply.status(201).send(entry);
    },
  );

  app.get(
    '/api/v1/channels/:channel/entries/:party/:seq',
    {
      schema: {
        summary: 'One entry',
        tags: ['entries'],
        params: entryParams,
        response: { 200: entrySchema, ...errors },
      },
    },
    async (request) => {
      const { channel, party, seq } = request.params;
      return getEntry(node, authOf(request).principal, channel, party, seq);
    },
  );

  app.post(
    '/api/v1/channels/:channel/entries/:party/:seq/receipts',
    {
      schema: {
        summary: 'Acknowledge an entry as read or understood (with an optional read-back)',
        tags: ['entries'],
        params: entryParams,
        body: ackBody,
        response: { 201: entrySchema, ...errors },
      },
    },
    async (request, reply) => {
      const { channel, party, seq } = request.params;
      const receipt = await acknowledge(node, authOf(request).principal, channel, party, seq, request.body);
      return reply.status(201).send(receipt);
    },
  );

  app.get(
    '/api/v1/channels/:channel/entries/:party/:seq/delivery',
    {
      schema: {
        summary: 'Delivery state of an entry at every other party: queued, delivered, read or understood',
        tags: ['entries'],
        params: entryParams,
        response: {
          200: z.object({ parties: z.array(deliverySchema) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { channel, party, seq } = request.params;
      return { parties: await deliveryState(node, authOf(request).principal, channel, party, seq) };
    },
  );

  app.get(
    '/api/v1/channels/:channel/state',
    {
      schema: {
        summary:
          'The channel state, its newest proposed suspension or resumption and its charter amendments (who, when, why, who has agreed)',
        tags: ['channels'],
        params: channelParams,
        response: {
          200: channelStatusSchema,
          ...errors,
        },
      },
    },
    async (request) => channelStatus(node, authOf(request).principal, request.params.channel),
  );

  app.post(
    '/api/v1/channels/:channel/accept',
    {
      schema: {
        summary: "Accept a channel another party proposed, with this node's signed entry (admin)",
        tags: ['channels'],
        params: channelParams,
        response: { 200: channelSchema, ...errors },
      },
    },
    async (request) => acceptChannel(node, authOf(request).principal, request.params.channel),
  );

  app.get(
    '/api/v1/inbox',
    {
      schema: {
        summary: "Entries awaiting the caller's receipt, oldest first",
        tags: ['entries'],
        querystring: inboxQuery,
        response: { 200: z.object({ entries: z.array(entrySchema) }), ...errors },
      },
    },
    async (request) => ({
      entries: await inbox(node, authOf(request).principal, request.query.limit, request.query.channel),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/events',
    {
      schema: {
        summary:
          'Live updates (text/event-stream): each new entry as an `entry` event whose id is its cursor; resumes after Last-Event-ID or ?after=',
        tags: ['entries'],
        params: channelParams,
        querystring: z.strictObject({ after: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const actor = auth.principal;
      const channel = await getChannel(node, actor, request.params.channel);
      // Reading once checks the caller may read the channel before the stream opens.
      await listEntries(node, actor, channel.id, 0, 1);
      await streamEntries(request, reply, auth, node, {
        cursor: resumeCursor(request, request.query.after) ?? 0,
        read: async (after, limit) => {
          const entries = await listEntries(node, actor, channel.id, after, limit);
          return { entries, cursor: entries.at(-1)?.cursor ?? after, hasMore: entries.length === limit };
        },
        subscribe: (wake) => node.live.onChannel(channel.id, wake),
      });
    },
  );
}
