/**
 * A hostile peer driven from the test process: it holds a real node key that an honest node has
 * pinned, signs federation requests with it (or with any other key, clock or addressee), and
 * builds entries of its own chain by hand, so tests can send exactly the bytes a misbehaving or
 * compromised node would.
 */
import {
  ENTRY_VERSION,
  NODE_AUTHOR,
  signEntry,
  type EntryContent,
  type SignedEntry,
} from '../../src/core/entry.js';
import { formatHlc } from '../../src/core/hlc.js';
import { generateKeyPair, signMessage, type KeyPair } from '../../src/core/keys.js';
import type { WireEntry } from '../../src/federation/wire.js';
import { signRequest } from '../../src/federation/request-signing.js';

export const ENTRIES_PATH = '/federation/v1/entries';

export interface SendOptions {
  /** Key that signs the request; the peer's own node key unless given. */
  key?: KeyPair;
  /** Claimed sender (`x-parley-from`). */
  from?: string;
  /** Addressee (`x-parley-to`). */
  to?: string;
  /** The request's timestamp. */
  now?: number;
  contentType?: string;
}

export interface Answer {
  status: number;
  code: string | null;
  message: string;
  body: Record<string, unknown> | null;
  retryAfter: string | null;
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DraftEntry {
  seq: number;
  prev: string | null;
  kind: string;
  body: EntryContent['body'];
  /** Principal id; the node itself unless given. */
  author?: string;
  authorKey?: string;
  /** Private key that signs; the node key unless given. */
  signingKey?: string;
  hlc?: string;
  channel?: string;
  party?: string;
  seen?: Record<string, number>;
}

export class HostilePeer {
  readonly key: KeyPair = generateKeyPair();

  constructor(
    readonly party: string,
    /** The honest node's base URL and party. */
    readonly targetUrl: string,
    readonly targetParty: string,
  ) {}

  /** A request to POST `body` (an object, or raw text as it should go on the wire), signed. */
  sign(body: unknown, options: SendOptions = {}): SignedRequest {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const key = options.key ?? this.key;
    const headers = signRequest(
      {
        method: 'POST',
        path: ENTRIES_PATH,
        from: options.from ?? this.party,
        to: options.to ?? this.targetParty,
        body: text,
      },
      (domain, message) => signMessage(key.privateKey, domain, message),
      options.now ?? Date.now(),
    );
    headers['content-type'] = options.contentType ?? 'application/json';
    return { url: `${this.targetUrl}${ENTRIES_PATH}`, headers, body: text };
  }

  async send(body: unknown, options: SendOptions = {}): Promise<Answer> {
    return HostilePeer.deliver(this.sign(body, options));
  }

  /** Pushes entries as a batch (no checkpoints). */
  async push(entries: WireEntry[], options: SendOptions = {}): Promise<Answer> {
    return this.send({ entries, checkpoints: [] }, options);
  }

  /** Sends exactly these bytes and headers (again, for replays). */
  static async deliver(request: SignedRequest): Promise<Answer> {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    const text = await response.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    const error = body?.error as { code?: string; message?: string } | undefined;
    return {
      status: response.status,
      code: error?.code ?? null,
      message: error?.message ?? '',
      body,
      retryAfter: response.headers.get('retry-after'),
    };
  }

  /** An entry of this peer's chain (or, with `party`, of someone else's), signed as given. */
  entry(channel: string, draft: DraftEntry): SignedEntry {
    const content: EntryContent = {
      v: ENTRY_VERSION,
      channel: draft.channel ?? channel,
      party: draft.party ?? this.party,
      seq: draft.seq,
      prev: draft.prev,
      seen: draft.seen ?? {},
      hlc: draft.hlc ?? formatHlc({ wall: Date.now(), counter: 0 }),
      kind: draft.kind,
      precedence: 'ROUTINE',
      lang: 'en',
      body: draft.body,
      author: draft.author ?? NODE_AUTHOR,
      authorKey: draft.authorKey ?? this.key.publicKey,
    };
    return signEntry(content, draft.signingKey ?? this.key.privateKey);
  }

  /** The wire form of a signed entry, at the position it claims unless told otherwise. */
  static wire(entry: SignedEntry, at: Partial<Pick<WireEntry, 'channel' | 'party' | 'seq'>> = {}): WireEntry {
    return {
      channel: at.channel ?? entry.content.channel,
      party: at.party ?? entry.content.party,
      seq: at.seq ?? entry.content.seq,
      canonical: entry.canonical,
      sig: entry.sig,
    };
  }
}
