/**
 * Time and connection limits of the API listener, apart from server.ts so that the CLI can show
 * the defaults without loading the server.
 */
/** Slow or idle clients cannot hold the node's sockets indefinitely (README "Security"). */
export interface ConnectionLimits {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (a dribbled body is cut off). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive socket stays open. */
  keepAliveTimeoutMs: number;
  /** Requests served on one socket before it is closed (0: unlimited). */
  maxRequestsPerSocket: number;
  /** Open connections at once; more are refused by the listener. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  // Longer than the idle timeout of peers' kept-alive sockets (peer-transport.ts, 30 s), so a
  // peer never reuses a socket this node is closing; Fastify's default.
  keepAliveTimeoutMs: 72_000,
  maxRequestsPerSocket: 0,
  maxConnections: 1000,
};
