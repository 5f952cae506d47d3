/**
 * The HTTP side of recovery at start (federation/recovery.ts): while this node is still asking
 * its peers for its own chains, every request that could write is refused with 503 `recovering`
 * and a Retry-After, and `GET /api/v1/recovery` shows what recovery found (entries recovered, peers
 * not reached, entries refused) to any signed-in principal, for as long as the node runs.
 */
import type { FastifyInstance } from 'fastify';
import type { RecoveryStatus } from '../../federation/recovery.js';

export interface RecoveryView {
  readonly recovering: boolean;
  readonly status: RecoveryStatus;
}

/** Seconds a refused client is asked to wait before trying again. */
const RETRY_AFTER_SECONDS = 2;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Writes nothing to a chain: signing in and link tests stay open while recovering. */
const OPEN_WHILE_RECOVERING = new Set([
  '/api/v1/session',
  '/api/v1/session/passkey',
  '/api/v1/session/passkey/options',
  '/federation/v1/heartbeat',
]);

export function registerRecoveryGate(app: FastifyInstance, recovery: RecoveryView): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!recovery.recovering || READ_METHODS.has(request.method)) return;
    if (OPEN_WHILE_RECOVERING.has(request.url.split('?')[0]!)) return;
    return reply
      .status(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send({
        error: {
          code: 'recovering',
          message:
            'this node is recovering its own chains from its peers after a start; writes are accepted once it is done',
        },
      });
  });

  app.get('/api/v1/recovery', { schema: { hide: true } }, async () => ({
    recovering: recovery.recovering,
    recovery: recovery.status,
  }));
}
