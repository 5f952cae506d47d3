/**
 * The cross-node phase's load generator and live subscriber (bench/cross-node.ts): keep-alive
 * connections that post the same note over and over with little CPU per request, and an SSE
 * subscriber that records when each entry arrived. Everything talks to 127.0.0.1 only.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { NOTE_TEXT } from './fixture.js';

const HOST = '127.0.0.1';

/** A node's API as these clients need it: its port and bearer tokens by user id. */
export interface Endpoint {
  port: number;
  tokens: Record<string, string>;
}

/**
 * One keep-alive HTTP/1.1 connection that sends the same request over and over, one at a time.
 * The request bytes are built once and the answer is read by its Content-Length (Fastify always
 * sends one for JSON), so the load generator, which shares the machine's cores with both nodes,
 * spends little CPU per request.
 */
class RepeatingClient {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((answer: { status: number; body: string } | Error) => void) | null = null;
  private failure: Error | null = null;

  constructor(
    port: number,
    private readonly request: Buffer,
  ) {
    this.socket = connect({ host: HOST, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) =>
      this.fail(new Error(`cross-node: connection to A failed: ${error.message}`)),
    );
    this.socket.on('close', () => this.fail(new Error('cross-node: A closed a connection')));
  }

  send(): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting = (answer) => (answer instanceof Error ? reject(answer) : resolve(answer));
      this.socket.write(this.request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`answer without content-length: ${head.slice(0, 200)}`));
    const end = headEnd + 4 + Number(length[1]);
    if (this.buffer.length < end) return;
    const status = Number(head.slice(9, 12));
    const body = status === 201 ? '' : this.buffer.toString('utf8', headEnd + 4, end);
    this.buffer = this.buffer.subarray(end);
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.({ status, body });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(error);
  }
}

/**
 * Clients posting notes on A until `stop()` says so; counts accepted posts. A connection that
 * fails ends the load with its error: a client cannot resend on another.
 */
export async function writeLoad(
  side: Endpoint,
  channel: string,
  users: string[],
  clients: number,
  stop: (written: number) => boolean,
  precedence = 'ROUTINE',
): Promise<{ written: number; errors: number; firstError: string | null }> {
  const payload = JSON.stringify({ kind: 'note', precedence, body: { text: NOTE_TEXT } });
  const requestFor = (token: string): Buffer =>
    Buffer.from(
      `POST /api/v1/channels/${channel}/entries HTTP/1.1\r\nhost: ${HOST}:${side.port}\r\n` +
        `authorization: Bearer ${token}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
  const connections = Array.from(
    { length: clients },
    (_, i) => new RepeatingClient(side.port, requestFor(side.tokens[users[i % users.length]!]!)),
  );
  let written = 0;
  let errors = 0;
  let firstError: string | null = null;
  try {
    await Promise.all(
      connections.map(async (client) => {
        while (!stop(written)) {
          const answer = await client.send();
          if (answer.status === 201) written += 1;
          else {
            firstError ??= `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
            errors += 1;
            if (errors > 100) throw new Error(`cross-node: posts on A keep failing: ${firstError}`);
          }
        }
      }),
    );
  } finally {
    connections.forEach((client) => client.close());
  }
  return { written, errors, firstError };
}

/** A live subscriber of B's channel events: when each entry id arrived (performance.now()). */
export function subscribe(
  side: Endpoint,
  channel: string,
  user: string,
  after: number,
): { arrivals: Map<string, number>; close(): void } {
  const arrivals = new Map<string, number>();
  let buffer = '';
  const req = request(
    {
      host: HOST,
      port: side.port,
      method: 'GET',
      path: `/api/v1/channels/${channel}/events?after=${after}`,
      headers: { authorization: `Bearer ${side.tokens[user]}`, accept: 'text/event-stream' },
      agent: false,
    },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((line) => line.startsWith('data: '));
          if (data) {
            const id = (JSON.parse(data.slice(6)) as { id: string }).id;
            if (!arrivals.has(id)) arrivals.set(id, now);
          }
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => {});
    },
  );
  req.on('error', () => {});
  req.end();
  return { arrivals, close: () => req.destroy() };
}
