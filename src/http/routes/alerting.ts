/**
 * How people are reached when an escalation names them: a person's e-mail address and alternates,
 * an office's webhook and its on-watch roster (administrators, and heads of the office), and the
 * alert outbox (administrators). Delivery itself is workflows/alerting/outbox.ts.
 */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import {
  addWatchShift,
  removeWatchShift,
  setOfficeWebhook,
  setPersonAlerting,
} from '../../workflows/alerting/commands.js';
import {
  getOfficeAlerting,
  getPersonAlerting,
  getRoster,
  listDeliveries,
  presentShift,
} from '../../workflows/alerting/queries.js';
import {
  deliveryQuery,
  deliverySchema,
  officeAlertingBody,
  officeAlertingSchema,
  officeParams,
  personAlertingBody,
  personAlertingSchema,
  rosterSchema,
  shiftParams,
  watchShiftBody,
  watchShiftSchema,
} from '../../workflows/alerting/views.js';
import { errorSchema, userParams } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };
const TAGS = ['alerting'];

export function registerAlertingRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/users/:id/alerting',
    {
      schema: {
        summary:
          "A person's e-mail address for escalations and their alternates (themselves, heads of their office, admins)",
        tags: TAGS,
        params: userParams,
        response: { 200: personAlertingSchema, ...errors },
      },
    },
    async (request) => getPersonAlerting(node, authOf(request).principal, request.params.id),
  );
  app.put(
    '/api/v1/users/:id/alerting',
    {
      schema: {
        summary:
          "Set a person's e-mail address and/or alternates, told with them at every escalation step (heads of their office, admins)",
        tags: TAGS,
        params: userParams,
        body: personAlertingBody,
        response: { 200: personAlertingSchema, ...errors },
      },
    },
    async (request) => {
      const set = await setPersonAlerting(node, authOf(request).principal, request.params.id, request.body);
      return { user: set.principal, email: set.email, alternates: set.alternates };
    },
  );
  app.get(
    '/api/v1/offices/:id/alerting',
    {
      schema: {
        summary: "An office's escalation webhook (heads of the office, admins)",
        tags: TAGS,
        params: officeParams,
        response: { 200: officeAlertingSchema, ...errors },
      },
    },
    async (request) => getOfficeAlerting(node, authOf(request).principal, request.params.id),
  );
  app.put(
    '/api/v1/offices/:id/alerting',
    {
      schema: {
        summary:
          "Set or remove (null) an office's escalation webhook; each POST to it is signed with the node key (heads of the office, admins)",
        tags: TAGS,
        params: officeParams,
        body: officeAlertingBody,
        response: { 200: officeAlertingSchema, ...errors },
      },
    },
    async (request) => {
      const set = await setOfficeWebhook(
        node,
        authOf(request).principal,
        request.params.id,
        request.body.webhookUrl,
      );
      return { office: set.office, webhookUrl: set.webhookUrl };
    },
  );
  app.get(
    '/api/v1/offices/:id/roster',
    {
      schema: {
        summary:
          "An office's on-watch roster (shifts not yet over) and who is told now (people of the office, admins)",
        tags: TAGS,
        params: officeParams,
        response: { 200: rosterSchema, ...errors },
      },
    },
    async (request) => getRoster(node, authOf(request).principal, request.params.id),
  );
  app.post(
    '/api/v1/offices/:id/roster',
    {
      schema: {
        summary:
          'Put a person of the office on watch from one time until another (heads of the office, admins)',
        tags: TAGS,
        params: officeParams,
        body: watchShiftBody,
        response: { 201: watchShiftSchema, ...errors },
      },
    },
    async (request, reply) => {
      const shift = await addWatchShift(node, authOf(request).principal, request.params.id, request.body);
      return reply.status(201).send(presentShift(shift, node.now()));
    },
  );
  app.delete(
    '/api/v1/offices/:id/roster/:shift',
    {
      schema: {
        summary: 'Remove a watch shift (heads of the office, admins)',
        tags: TAGS,
        params: shiftParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeWatchShift(node, authOf(request).principal, request.params.id, request.params.shift);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/v1/alerts/deliveries',
    {
      schema: {
        summary:
          'The alert outbox, newest first: each e-mail and webhook delivery of an escalation and its outcome (admin)',
        tags: TAGS,
        querystring: deliveryQuery,
        response: { 200: z.array(deliverySchema), ...errors },
      },
    },
    async (request) => listDeliveries(node, authOf(request).principal, request.query.limit),
  );
}
