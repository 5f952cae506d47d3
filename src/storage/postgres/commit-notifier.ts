/**
 * The PostgreSQL side of the change feed's wake-up (contract/changes.ts): commits send a small
 * NOTIFY in their own transaction (so it is delivered only once they are committed), and one
 * dedicated connection per storage instance LISTENs and turns notifications into hints. A hint
 * is only a nudge; consumers read the feed by cursor. NOTIFY is database-wide, so the channel
 * name carries the node's schema. The listening connection is one more connection per storage
 * instance, outside the pool, opened on the first onCommitted.
 */
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { decodeHint, type CommitListeners } from '../sql/commit-hints.js';

/** The longest identifier PostgreSQL keeps (NAMEDATALEN - 1). */
const MAX_IDENTIFIER = 63;
const RECONNECT_DELAY_MS = 1000;
const CONNECT_TIMEOUT_MS = 10_000;

/** The NOTIFY channel of a node's schema. */
export function notifyChannel(schema: string): string {
  const plain = `parley_feed_${schema}`;
  if (plain.length <= MAX_IDENTIFIER) return plain;
  return `parley_feed_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** How to open the listening connection: the pool's own settings. */
export interface NotifierConnection {
  connectionString: string;
  options: string;
}

/** LISTENs for one schema's commits and wakes one instance's listeners. */
export class CommitNotifier {
  /** Sent with every NOTIFY so that an instance skips its own echo (it woke its listeners already). */
  readonly origin = randomUUID();
  readonly channel: string;
  readonly #connection: NotifierConnection;
  readonly #listeners: CommitListeners;
  #client: pg.Client | null = null;
  #ready: Promise<void> | null = null;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(schema: string, connection: NotifierConnection, listeners: CommitListeners) {
    this.channel = notifyChannel(schema);
    this.#connection = connection;
    this.#listeners = listeners;
  }

  /** Starts listening if not yet started; resolves once LISTEN is in effect. */
  start(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#ready ??= this.#connect();
    return this.#ready;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#connection.connectionString,
      options: this.#connection.options,
      application_name: 'parley-feed',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    const lost = (): void => {
      if (this.#client !== client) return;
      this.#client = null;
      this.#ready = null;
      client.end().catch(() => undefined);
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== this.channel) return;
      const { origin, hint } = decodeHint(message.payload);
      if (origin !== this.origin) this.#listeners.emit(hint);
    });
    try {
      await client.connect();
      // The channel name is built from a validated schema name; identifiers cannot be bound.
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      client.end().catch(() => undefined);
      this.#ready = null;
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    // Commits made while no connection listened were not announced: tell consumers to re-read.
    this.#listeners.emit({ cursor: null, channels: null });
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.start();
    }, RECONNECT_DELAY_MS);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    await this.#ready?.catch(() => undefined);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }
}
