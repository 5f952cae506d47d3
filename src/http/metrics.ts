/** Prometheus metrics served at /metrics (prom-client). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ParleyNode } from '../node/parley-node.js';
import { evidenceCounts } from '../workflows/oversight/queries.js';
import { escalationMetrics } from '../workflows/obligations/queries.js';
import { deliveryCounts } from '../workflows/alerting/queries.js';

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

  /** Evidence of misbehaving peers held by this node; alert on anything above zero. */
  watchEvidence(node: ParleyNode): void {
    new Gauge({
      name: 'parley_equivocations',
      help: 'Equivocation evidence records (a node signed two histories of one chain)',
      registers: [this.registry],
      async collect() {
        this.set((await evidenceCounts(node)).equivocations);
      },
    });
    new Gauge({
      name: 'parley_forks',
      help: 'Fork evidence records (a node signed two entries at one chain position)',
      registers: [this.registry],
      async collect() {
        this.set((await evidenceCounts(node)).forks);
      },
    });
  }

  /**
   * Overdue obligations, escalation steps signed and the alert outbox by transport and state,
   * read from the database at scrape time; alert on a growing `pending` backlog or any `failed`.
   */
  watchEscalations(node: ParleyNode): void {
    new Gauge({
      name: 'parley_obligations_overdue',
      help: 'Obligations owed by or to this party that are past their deadline',
      registers: [this.registry],
      async collect() {
        this.set((await escalationMetrics(node)).overdue);
      },
    });
    new Gauge({
      name: 'parley_escalations_total',
      help: 'Escalation steps signed by this node',
      registers: [this.registry],
      async collect() {
        this.set((await escalationMetrics(node)).escalations);
      },
    });
    new Gauge({
      name: 'parley_alert_outbox',
      help: 'Alert deliveries (e-mail, webhook) by transport and state; pending is the backlog',
      labelNames: ['transport', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const transport of ['email', 'webhook'])
          for (const state of ['pending', 'sending', 'sent', 'failed']) this.set({ transport, state }, 0);
        for (const c of await deliveryCounts(node))
          this.set({ transport: c.transport, state: c.state }, c.count);
      },
    });
  }

  /** Per-peer link gauges, read from the replicator's link state at scrape time. */
  watchLinks(links: () => Array<{ party: string; status: string; rttMs: number | null }>): void {
    new Gauge({
      name: 'parley_peer_up',
      help: 'Link to a peer: 1 up, 0.5 degraded, 0 down or unknown',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const link of links())
          this.set({ peer: link.party }, link.status === 'up' ? 1 : link.status === 'degraded' ? 0.5 : 0);
      },
    });
    new Gauge({
      name: 'parley_peer_rtt_seconds',
      help: 'Round-trip time of the last successful exchange with a peer',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const link of links())
          if (link.rttMs !== null) this.set({ peer: link.party }, link.rttMs / 1000);
      },
    });
  }

  observeRequest(route: string, method: string, status: number, elapsedMs: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.duration.observe({ route, method }, elapsedMs / 1000);
  }
}
