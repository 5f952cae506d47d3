/**
 * An HTTP proxy for fault-injection tests: it listens on 127.0.0.1, forwards every request to one
 * upstream node, and can be switched into a failure mode for a while. `drop` closes every
 * connection (and refuses new ones); `delay` adds latency before forwarding; `duplicate` forwards
 * each request and, a little later, a byte-identical copy whose answer nobody reads (a replay);
 * `hold` buffers requests and releases them in reverse order, either keeping the caller waiting
 * or (with `abandon`) cutting the caller off at once and delivering its request late, out of
 * order, after the caller has retried.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type ChaosMode =
  | { kind: 'pass' }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number }
  | { kind: 'duplicate'; replayAfterMs: number }
  | { kind: 'hold'; count: number; ms: number; abandon: boolean };

export interface ChaosStats {
  forwarded: number;
  dropped: number;
  delayed: number;
  replayed: number;
  held: number;
  /** Held requests delivered after their caller had already given up on them. */
  deliveredLate: number;
  /** Upstream answers by status code (the replays' answers included). */
  statuses: Record<string, number>;
}

interface Buffered {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface Held {
  request: Buffered;
  /** The waiting caller, or null when it was cut off already. */
  response: ServerResponse | null;
}

export interface ChaosProxy {
  url: string;
  stats: ChaosStats;
  mode(): ChaosMode;
  /** Switches mode; leaving `hold` releases what is held, leaving anything for `drop` cuts connections. */
  setMode(mode: ChaosMode): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

/** Starts a proxy in front of `target` (e.g. `http://127.0.0.1:4000`). */
export async function startChaosProxy(target: string): Promise<ChaosProxy> {
  const upstreamUrl = new URL(target);
  let current: ChaosMode = { kind: 'pass' };
  const stats: ChaosStats = {
    forwarded: 0,
    dropped: 0,
    delayed: 0,
    replayed: 0,
    held: 0,
    deliveredLate: 0,
    statuses: {},
  };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let held: Held[] = [];
  let holdTimer: NodeJS.Timeout | null = null;
  let closed = false;

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  }

  function forward(request: Buffered): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: request.method,
          path: request.path,
          headers: { ...request.headers, 'content-length': String(request.body.length) },
          agent: false,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const status = incoming.statusCode ?? 0;
            stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
            resolve({ status, headers: incoming.headers, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  function answer(response: ServerResponse, upstream: Upstream): void {
    if (response.destroyed || response.writableEnded) return;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['content-length'] = String(upstream.body.length);
    response.writeHead(upstream.status, headers);
    response.end(upstream.body);
  }

  /** Forwards and answers the caller; an unreachable upstream cuts the caller's connection. */
  async function relay(request: Buffered, response: ServerResponse | null): Promise<void> {
    try {
      stats.forwarded += 1;
      const upstream = await forward(request);
      if (response) answer(response, upstream);
    } catch {
      response?.socket?.destroy();
    }
  }

  function releaseHeld(): void {
    if (holdTimer) clearTimeout(holdTimer);
    holdTimer = null;
    const batch = held.reverse();
    held = [];
    void (async () => {
      for (const item of batch) {
        const late = item.response === null || item.response.destroyed;
        if (late) stats.deliveredLate += 1;
        await relay(item.request, late ? null : item.response);
      }
    })();
  }

  function hold(
    mode: Extract<ChaosMode, { kind: 'hold' }>,
    request: Buffered,
    response: ServerResponse,
  ): void {
    stats.held += 1;
    if (mode.abandon) response.socket?.destroy();
    held.push({ request, response: mode.abandon ? null : response });
    if (held.length >= mode.count) releaseHeld();
    else holdTimer ??= setTimeout(releaseHeld, mode.ms);
  }

  function handle(incoming: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      const request: Buffered = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers,
        body: Buffer.concat(chunks),
      };
      const mode = current;
      switch (mode.kind) {
        case 'pass':
          void relay(request, response);
          return;
        case 'drop':
          stats.dropped += 1;
          response.socket?.destroy();
          return;
        case 'delay':
          stats.delayed += 1;
          later(mode.ms, () => void relay(request, response));
          return;
        case 'duplicate':
          void relay(request, response);
          stats.replayed += 1;
          later(Math.random() * mode.replayAfterMs, () => void relay(request, null));
          return;
        case 'hold':
          hold(mode, request, response);
          return;
      }
    });
  }

  const server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    if (current.kind === 'drop' || closed) {
      stats.dropped += 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    mode: () => current,
    setMode(mode) {
      const previous = current;
      current = mode;
      if (previous.kind === 'hold' && mode.kind !== 'hold') releaseHeld();
      if (mode.kind === 'drop') for (const socket of sockets) socket.destroy();
    },
    async close() {
      closed = true;
      if (holdTimer) clearTimeout(holdTimer);
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
