/**
 * The CLI's typed client of the node's HTTP API. Paths, parameters, bodies and responses come from
 * `generated/cli-api-types.generated.d.ts` (generated from the node's OpenAPI document for the operations in
 * `api-operations.ts`), so `api.get('/api/v1/channels/{channel}/glossary', { path: { channel } })`
 * answers with the node's own view type and a route the node does not serve fails to compile.
 *
 * What a person types stays a string: path and query values may be strings where the document
 * says number, and the node validates them and refuses a bad one with its own error code (DESIGN.md, Interfaces).
 */
import type { CliOperation } from './api-operations.js';
import type { ApiOperations, Entry } from '../../generated/cli-api-types.generated.js';
import { CliError } from './output.js';
import { parseEntryId } from './parse.js';

export type { Entry };
export type Response<K extends CliOperation> = ApiOperations[K]['response'];
export type Body<K extends CliOperation> = ApiOperations[K]['body'];
export type NewEntry = Body<'POST /api/v1/channels/{channel}/entries'>;
export type Precedence = Entry['precedence'];
export type Marking = NonNullable<Entry['marking']>;
export type Obligation = Response<'GET /api/v1/obligations'>['obligations'][number];

/** Values from the command line: a string is accepted wherever the node parses one. */
type Typed<T> = { [K in keyof T]: T[K] | string };

type Part<K extends CliOperation, P extends 'path' | 'query' | 'body'> = ApiOperations[K][P];
export type Args<K extends CliOperation> = (Part<K, 'path'> extends Record<string, never>
  ? { path?: undefined }
  : { path: Typed<Part<K, 'path'>> }) & { query?: Typed<Part<K, 'query'>> } & ([Part<K, 'body'>] extends [
    never,
  ]
    ? { body?: undefined }
    : { body: Part<K, 'body'> });

type PathOf<M extends string> = CliOperation extends infer O
  ? O extends `${M} ${infer P}`
    ? P
    : never
  : never;
type Op<M extends string, P extends string> = Extract<`${M} ${P}`, CliOperation>;

/** Optional arguments when an operation has no path parameters and no body. */
export type ArgList<K extends CliOperation> = object extends Args<K> ? [args?: Args<K>] : [args: Args<K>];

/** Fills `{name}` placeholders of an OpenAPI path. */
function fillPath(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** The method, path with query, and body of one call of `op`. */
export function operationRequest<K extends CliOperation>(
  op: K,
  args: Args<K> | undefined,
): { method: string; path: string; body: unknown } {
  const [method, template] = op.split(' ') as [string, string];
  let path = fillPath(template, args?.path as Record<string, string | number> | undefined);
  const query = Object.entries((args?.query ?? {}) as Record<string, unknown>).filter(
    ([, value]) => value !== undefined,
  );
  if (query.length > 0)
    path += `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  return { method, path, body: args?.body };
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  get<P extends PathOf<'GET'>>(path: P, ...args: ArgList<Op<'GET', P>>): Promise<Response<Op<'GET', P>>> {
    return this.call(`GET ${path}` as Op<'GET', P>, ...args);
  }

  post<P extends PathOf<'POST'>>(path: P, ...args: ArgList<Op<'POST', P>>): Promise<Response<Op<'POST', P>>> {
    return this.call(`POST ${path}` as Op<'POST', P>, ...args);
  }

  /** Calls one operation; resolves with its typed response or throws a CliError with the node's code. */
  async call<K extends CliOperation>(op: K, ...[args]: ArgList<K>): Promise<Response<K>> {
    if (!this.token) {
      throw new CliError(
        'unauthenticated',
        'no API token: set PARLEY_TOKEN (create one with `parley token create <user>`)',
        2,
      );
    }
    const { method, path, body } = operationRequest(op, args);
    let response: globalThis.Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError('unavailable', `cannot reach ${this.baseUrl}: ${(error as Error).message}`);
    }
    const text = await response.text();
    const data: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new CliError(
        error?.code ?? 'http_error',
        `${error?.message ?? `HTTP ${response.status}`} (${error?.code ?? response.status})`,
      );
    }
    return data as Response<K>;
  }

  /** One entry `<party>/<seq>` of a channel, e.g. to pin its hash in a reference. */
  entry(channel: string, party: string, seq: number | string): Promise<Entry> {
    return this.get('/api/v1/channels/{channel}/entries/{party}/{seq}', { path: { channel, party, seq } });
  }

  /** The entry a `<channel>/<party>/<seq>` argument names. */
  entryById(id: string): Promise<Entry> {
    const { channel, party, seq } = parseEntryId(id);
    return this.entry(channel, party, seq);
  }

  /** Appends an entry to a channel as the token's principal; answers once it is durable. */
  postEntry(channel: string, entry: NewEntry): Promise<Entry> {
    return this.post('/api/v1/channels/{channel}/entries', { path: { channel }, body: entry });
  }

  /** Appends an entry about `item` (an answer, a review, a question) in the item's precedence and marking. */
  postAbout(item: Entry, kind: string, body: NewEntry['body']): Promise<Entry> {
    return this.postEntry(item.channel, {
      kind,
      precedence: item.precedence,
      ...(item.marking ? { marking: item.marking } : {}),
      body,
    });
  }
}

/** A reference to an entry pinned by its hash, as entry bodies carry it (`of`, `revises`). */
export const refOf = (entry: Entry): { party: string; seq: number; hash: string } => ({
  party: entry.party,
  seq: entry.seq,
  hash: entry.hash,
});
