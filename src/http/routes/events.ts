/**
 * The node-wide live stream: every new entry of every channel the caller may read, as Server-Sent
 * Events, so the console's channel list, counts and FLASH alerts change the moment an entry is
 * committed by any process of the node (issue: a FLASH nobody can miss).
 */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import { latestChangeCursor, readableChanges } from '../../workflows/entries/queries.js';
import { errorSchema } from '../schemas.js';
import { resumeCursor, streamEntries } from '../event-stream.js';
import { authOf, type TypedApp } from '../typed-app.js';

export function registerEventRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/events',
    {
      schema: {
        summary:
          'Live updates of every readable channel (text/event-stream): a `ready` event with the starting cursor, then each new entry as an `entry` event whose id is its cursor; resumes after Last-Event-ID or ?after=, otherwise starts at the newest entry',
        tags: ['entries'],
        querystring: z.strictObject({ after: z.coerce.number().int().min(0).optional() }),
        response: { 400: errorSchema, 401: errorSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const actor = auth.principal;
      await streamEntries(request, reply, auth, node, {
        cursor: resumeCursor(request, request.query.after) ?? (await latestChangeCursor(node)),
        read: (after, limit) => readableChanges(node, actor, after, limit),
        subscribe: (wake) => node.live.onAnyCommit(wake),
        announceStart: true,
      });
    },
  );
}
