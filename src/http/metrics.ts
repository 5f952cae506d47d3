/** Prometheus metrics served at /metrics (prom-client). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ParleyNode } from '../node/parley-node.js';

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly duration: Histogram<'route' | 'method'>;
  readonly errors: Counter<'code'>;

  constructor(node: ParleyNode) {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    this.requests = new Counter({
      name: 'parley_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'parley_http_errors_total',
      help: 'Error responses by error code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'parley_entries_committed_total',
      help: 'Entries committed by this process',
      registers: [this.registry],
      collect() {
        this.set(node.appender.committed);
      },
    });
    new Gauge({
      name: 'parley_commit_batches_total',
      help: 'Group-commit transactions by this process',
      registers: [this.registry],
      collect() {
        this.set(node.appender.batches);
      },
    });
  }

  observeRequest(route: string, method: string, status: number, elapsedMs: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.duration.observe({ route, method }, elapsedMs / 1000);
  }
}
