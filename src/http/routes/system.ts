/**
 * Health, metrics and the OpenAPI document; none needs a user's authentication or reveals
 * secrets. /metrics names peers and shows link state and traffic, so it is served here only to
 * holders of the metrics token (PARLEY_METRICS_TOKEN, Bearer) and answers 404 without one; the
 * operator may serve it on a separate private listener instead (run-server.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { ParleyError } from '../../core/errors.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { checkStorage } from '../../workflows/oversight/queries.js';
import type { Metrics } from '../metrics.js';
import type { TypedApp } from '../typed-app.js';

/** Whether an Authorization header carries exactly this Bearer token (constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerSystemRoutes(
  app: TypedApp,
  node: ParleyNode,
  metrics: Metrics,
  metricsToken: string | undefined,
): void {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => {
    await checkStorage(node);
    return { status: 'ok', party: node.party };
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (!metricsToken) throw new ParleyError('not_found', 'no route GET /metrics');
    if (!bearerMatches(request.headers.authorization, metricsToken)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new ParleyError('unauthenticated', 'the metrics token is required (Authorization: Bearer …)');
    }
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
