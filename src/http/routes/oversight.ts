/**
 * What operators watch: link-test history per peer, each chain's latest checkpoint with the
 * cosignatures of the other parties' witnesses, and alerts (equivocation and fork evidence).
 */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import { alerts, channelCheckpoints, linkTests } from '../../workflows/oversight/queries.js';
import { channelParams, partySchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

export function registerOversightRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/peers/:party/link-tests',
    {
      schema: {
        summary: 'Recent signed link tests (heartbeats) to a peer, newest first',
        tags: ['federation'],
        params: z.strictObject({ party: partySchema }),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: {
          200: z.object({
            party: z.string(),
            tests: z.array(
              z.object({
                at: z.number(),
                ok: z.boolean(),
                rttMs: z.number().nullable(),
                error: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { party } = request.params;
      return { party, tests: await linkTests(node, party, request.query.limit) };
    },
  );

  app.get(
    '/api/v1/channels/:channel/checkpoints',
    {
      schema: {
        summary: "Each chain's latest signed checkpoint (C2SP signed note) and the witnesses' cosignatures",
        tags: ['channels'],
        params: channelParams,
        response: {
          200: z.object({
            chains: z.array(
              z.object({
                party: z.string(),
                size: z.number(),
                checkpoint: z.string(),
                cosignatures: z.array(z.object({ witness: z.string(), size: z.number(), note: z.string() })),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      chains: await channelCheckpoints(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/alerts',
    {
      schema: {
        summary: 'Evidence of misbehaving nodes: equivocation (two signed histories) and forks',
        tags: ['federation'],
        response: {
          200: z.object({
            equivocations: z.array(
              z.object({
                channel: z.string(),
                party: z.string(),
                detail: z.string(),
                reportedBy: z.string(),
                at: z.number(),
                noteA: z.string(),
                noteB: z.string(),
              }),
            ),
            forks: z.array(
              z.object({
                channel: z.string(),
                party: z.string(),
                seq: z.number(),
                reportedBy: z.string(),
                at: z.number(),
              }),
            ),
            nodeFingerprint: z.string(),
          }),
        },
      },
    },
    async () => alerts(node),
  );
}
