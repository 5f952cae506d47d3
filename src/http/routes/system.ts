/** Health, metrics and the OpenAPI document; none needs authentication or reveals secrets. */
import type { ParleyNode } from '../../node/parley-node.js';
import { checkStorage } from '../../workflows/oversight/queries.js';
import type { Metrics } from '../metrics.js';
import type { TypedApp } from '../typed-app.js';

export function registerSystemRoutes(app: TypedApp, node: ParleyNode, metrics: Metrics): void {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => {
    await checkStorage(node);
    return { status: 'ok', party: node.party };
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
