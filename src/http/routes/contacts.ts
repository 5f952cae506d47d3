/**
 * Keeping contact: readouts (listed, two aligned point by point) and the joint summaries agreed
 * from them; commitments to a cadence and whether each period was kept (briefings and
 * invitations: briefings.ts); orders to keep contact; channel metrics. The entries themselves
 * (`readout`, `summary-point`, `summary-sign`, `contact-order`, `commitment`, `commitment-accept`)
 * are posted like any other.
 */
import { z } from 'zod';
import { channelMetrics } from '../../workflows/contacts/channel-metrics.js';
import {
  channelPeople,
  commitmentById,
  commitments,
  contactOrders,
  type CommitmentView,
} from '../../workflows/contacts/queries.js';
import type { CadencePeriod } from '../../workflows/contacts/cadence.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelParams, entryParams, errorSchema, idSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import {
  channelMetricsSchema,
  channelPersonSchema,
  commitmentSchema,
  contactOrderSchema,
} from '../../workflows/contacts/views.js';
import {
  alignReadoutEntries,
  listReadouts,
  listSummaries,
} from '../../workflows/contacts/readouts/queries.js';
import {
  alignmentQuery,
  alignmentSchema,
  readoutListSchema,
  summarySchema,
} from '../../workflows/contacts/readouts/views.js';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

const iso = (ms: number) => new Date(ms).toISOString();

export function registerContactRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels/:channel/readouts',
    {
      schema: {
        summary: "The channel's readouts of calls, oldest first, with the languages each is translated into",
        tags: ['contacts'],
        params: channelParams,
        response: { 200: z.object({ readouts: z.array(readoutListSchema) }), ...errors },
      },
    },
    async (request) => ({
      readouts: await listReadouts(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/readouts/alignment',
    {
      schema: {
        summary:
          'Two readouts aligned point by point: same, similar (check), conflict (words marked) or one side; through a translation (not authoritative) when their languages differ',
        tags: ['contacts'],
        params: channelParams,
        querystring: alignmentQuery,
        response: { 200: alignmentSchema, ...errors },
      },
    },
    async (request) =>
      alignReadoutEntries(
        node,
        authOf(request).principal,
        request.params.channel,
        request.query.a,
        request.query.b,
      ),
  );

  app.get(
    '/api/v1/channels/:channel/summaries',
    {
      schema: {
        summary:
          'Joint summaries point by point: each point agreed, disputed or unilateral, its signatures, and agreed only once every party signed that version',
        tags: ['contacts'],
        params: channelParams,
        response: { 200: z.object({ summaries: z.array(summarySchema) }), ...errors },
      },
    },
    async (request) => ({
      summaries: await listSummaries(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/commitments',
    {
      schema: {
        summary:
          "Commitments to a cadence of contact in my channels (or one): who they bind (proposed until every owner's party accepts), period by period kept or not",
        tags: ['contacts'],
        querystring: z.strictObject({ channel: idSchema.optional() }),
        response: { 200: z.object({ commitments: z.array(commitmentSchema) }), ...errors },
      },
    },
    async (request) => ({
      commitments: (await commitments(node, authOf(request).principal, request.query.channel)).map(present),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/commitments/:party/:seq',
    {
      schema: {
        summary: 'One commitment: its terms, who accepted it, and its periods',
        tags: ['contacts'],
        params: entryParams,
        response: { 200: commitmentSchema, ...errors },
      },
    },
    async (request) =>
      present(
        await commitmentById(
          node,
          authOf(request).principal,
          request.params.channel,
          request.params.party,
          request.params.seq,
        ),
      ),
  );

  app.get(
    '/api/v1/channels/:channel/contact-orders',
    {
      schema: {
        summary: "The channel's orders to keep contact, oldest first, with the commitments made from each",
        tags: ['contacts'],
        params: channelParams,
        response: { 200: z.object({ orders: z.array(contactOrderSchema) }), ...errors },
      },
    },
    async (request) => ({
      orders: await contactOrders(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/people',
    {
      schema: {
        summary:
          "The channel's people as its log names them (person, party, office, role): who may own a commitment",
        tags: ['contacts'],
        params: channelParams,
        response: { 200: z.object({ people: z.array(channelPersonSchema) }), ...errors },
      },
    },
    async (request) => ({
      people: await channelPeople(node, authOf(request).principal, request.params.channel),
    }),
  );

  app.get(
    '/api/v1/channels/:channel/metrics',
    {
      schema: {
        summary:
          'Channel figures: contacts per ISO week (real exchanges and held briefings only), response times by precedence (median, p90), open items by kind',
        tags: ['contacts'],
        params: channelParams,
        querystring: z.strictObject({ weeks: z.coerce.number().int().min(1).max(104).optional() }),
        response: { 200: channelMetricsSchema, ...errors },
      },
    },
    async (request) =>
      channelMetrics(node, authOf(request).principal, request.params.channel, request.query.weeks),
  );
}

/** A commitment with its times as ISO strings. */
function present(c: CommitmentView) {
  const period = (p: CadencePeriod) => ({ ...p, from: iso(p.from), to: iso(p.to) });
  return {
    ...c,
    bound: Object.fromEntries(Object.entries(c.bound).map(([party, at]) => [party, iso(at)])),
    cadence: {
      periods: c.cadence.periods.map(period),
      current: c.cadence.current ? period(c.cadence.current) : null,
      closed: c.cadence.closed,
      lastContact: c.cadence.lastContact === null ? null : iso(c.cadence.lastContact),
      nextDue: iso(c.cadence.nextDue),
      kept: c.cadence.kept,
    },
  };
}
