/**
 * The security audit trail's reader (administrators only): a page of events, newest first,
 * filtered by action, actor, subject and time, and a check of the whole trail.
 */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import { requireAdmin } from '../../core/policy.js';
import { listSecurityEvents, verifySecurityTrail } from '../../workflows/audit-trail/queries.js';
import { securityEventPage, securityEventQuery } from '../../workflows/audit-trail/views.js';
import { errorSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

const trailReport = z
  .object({
    ok: z.boolean(),
    events: z.number().int(),
    headSeq: z.number().int(),
    failures: z.array(z.object({ seq: z.number().int(), rule: z.string(), message: z.string() })),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'SecurityTrailReport' });

export function registerAuditRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/audit-events',
    {
      schema: {
        summary:
          'Security audit trail, newest first (admin): logins, tokens, accounts, peers, charter and key changes; ' +
          'filter by `action`, `actor`, `subject`, `since`/`until` (ms or ISO 8601); page with `before` = `next`',
        tags: ['audit'],
        querystring: securityEventQuery,
        response: { 200: securityEventPage, 400: errorSchema, 403: errorSchema },
      },
    },
    async (request) => listSecurityEvents(node, authOf(request).principal, request.query),
  );

  app.get(
    '/api/v1/audit-events/verify',
    {
      schema: {
        summary:
          'Check the whole audit trail: hashes, links, node signatures, no gaps, the signed head (admin)',
        tags: ['audit'],
        response: { 200: trailReport, 403: errorSchema },
      },
    },
    async (request) => {
      requireAdmin(authOf(request).principal);
      return verifySecurityTrail(node);
    },
  );
}
