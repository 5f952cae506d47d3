/**
 * The web app's typed client of the node's HTTP API. Request and response types come from
 * `api-types.generated.ts`, which is generated from the node's OpenAPI document (see
 * `api-operations.ts`), so a call to a route or field the node does not have fails to compile.
 *
 * Authentication is the node's cookie session: `POST /api/v1/session` sets an HttpOnly cookie and
 * returns a CSRF token, which every state-changing request sends as `x-csrf-token`. The token is
 * kept in sessionStorage (per tab); without it the app asks to log in again.
 */
import type { ApiOperation } from './api-operations';
import type {
  ApiOperations,
  Channel,
  Entry,
  GlossaryProposal,
  GlossaryTerm,
  Obligation,
  Office,
  Principal,
  PublicStatement,
  Statement,
  Template,
  Translation,
} from './api-types.generated';

export type {
  Channel,
  Entry,
  GlossaryProposal,
  GlossaryTerm,
  Obligation,
  Office,
  Principal,
  PublicStatement,
  Statement,
  Template,
  Translation,
};
export type Response<K extends ApiOperation> = ApiOperations[K]['response'];
export type Body<K extends ApiOperation> = ApiOperations[K]['body'];
export type Me = Response<'GET /api/v1/me'>;
export type Peer = Response<'GET /api/v1/peers'>['peers'][number];
export type ApiToken = Response<'GET /api/v1/tokens'>[number];
export type SecurityEventPage = Response<'GET /api/v1/audit-events'>;
export type SecurityEventFilter = NonNullable<ApiOperations['GET /api/v1/audit-events']['query']>;
export type LinkTest = Response<'GET /api/v1/peers/{party}/link-tests'>['tests'][number];
export type ChannelStatus = Response<'GET /api/v1/channels/{channel}/state'>;
export type Delivery = Response<'GET /api/v1/channels/{channel}/entries/{party}/{seq}/delivery'>['parties'];
export type Alerts = Response<'GET /api/v1/alerts'>;
export type Checkpoints = Response<'GET /api/v1/channels/{channel}/checkpoints'>['chains'];
export type ItemStatus = Response<'GET /api/v1/channels/{channel}/entries/{party}/{seq}/status'>;
export type PartyResponse = ItemStatus['responses'][number];
export type Escalation = ItemStatus['escalations'][number];
export type Clarification =
  Response<'GET /api/v1/channels/{channel}/clarifications'>['clarifications'][number];
export type Glossary = Response<'GET /api/v1/channels/{channel}/glossary'>;
export type Translations = Response<'GET /api/v1/channels/{channel}/translations'>;
export type SearchQuery = ApiOperations['GET /api/v1/search']['query'];
export type SearchHit = Response<'GET /api/v1/search'>['hits'][number];
/** A reference to one entry, as entry bodies carry it (`of`, `revises`). */
export interface EntryRef {
  party: string;
  seq: number;
  hash: string;
}
export type NewEntry = Body<'POST /api/v1/channels/{channel}/entries'>;
export type Precedence = Entry['precedence'];
export type Marking = NonNullable<Entry['marking']>;

export const PRECEDENCES: readonly Precedence[] = ['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH'];
export const MARKINGS: readonly Marking[] = ['TEST', 'EXERCISE'];

/** A refused request, with the node's stable error code (`{"error": {"code", "message"}}`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Part<K extends ApiOperation, P extends 'path' | 'query' | 'body'> = ApiOperations[K][P];
type Args<K extends ApiOperation> = (Part<K, 'path'> extends Record<string, never>
  ? { path?: undefined }
  : { path: Part<K, 'path'> }) & { query?: Part<K, 'query'> } & ([Part<K, 'body'>] extends [never]
    ? { body?: undefined }
    : { body: Part<K, 'body'> });

const CSRF_KEY = 'parley.csrf';
let csrfToken: string | null = readCsrf();
/** Called when the node answers 401: the session is gone, so the app shows the login screen. */
let onUnauthenticated: () => void = () => undefined;

function readCsrf(): string | null {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

function storeCsrf(token: string | null): void {
  csrfToken = token;
  try {
    if (token === null) sessionStorage.removeItem(CSRF_KEY);
    else sessionStorage.setItem(CSRF_KEY, token);
  } catch {
    // Storage may be disabled; the token then lives only as long as the page.
  }
}

export function hasSession(): boolean {
  return csrfToken !== null;
}

export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Fills `{name}` placeholders of an OpenAPI path. */
export function fillPath(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** Calls one operation of the API; resolves with its typed response or throws ApiError. */
export async function request<K extends ApiOperation>(op: K, args: Args<K>): Promise<Response<K>> {
  const [method, template] = op.split(' ') as [string, string];
  let url = fillPath(template, args.path as Record<string, string | number> | undefined);
  const query = Object.entries((args.query ?? {}) as Record<string, unknown>).filter(
    ([, v]) => v !== undefined,
  );
  if (query.length > 0) url += `?${new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString()}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (args.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: globalThis.Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: args.body === undefined ? undefined : JSON.stringify(args.body),
    });
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    const failure = new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `${response.status} ${response.statusText}`,
    );
    if (response.status === 401 && op !== 'POST /api/v1/session') {
      storeCsrf(null);
      onUnauthenticated();
    }
    throw failure;
  }
  return data as Response<K>;
}

/**
 * The URL of the node-wide live stream (every channel the person may read). Without a cursor it
 * starts at the newest entry; a reconnecting EventSource resumes with Last-Event-ID.
 */
export function nodeEventsUrl(): string {
  const path: ApiOperation = 'GET /api/v1/events';
  return path.slice('GET '.length);
}

export const api = {
  async login(user: string, password: string): Promise<Response<'POST /api/v1/session'>> {
    const session = await request('POST /api/v1/session', { body: { user, password } });
    storeCsrf(session.csrfToken);
    return session;
  },
  async logout(): Promise<void> {
    try {
      await request('DELETE /api/v1/session', {});
    } finally {
      storeCsrf(null);
    }
  },
  me: () => request('GET /api/v1/me', {}),
  // Passkeys (features/session/passkeys.tsx): the login's passkey step and one's own passkeys.
  passkeyLoginOptions: () => request('POST /api/v1/session/passkey/options', {}),
  async passkeyLogin(body: Body<'POST /api/v1/session/passkey'>) {
    const session = await request('POST /api/v1/session/passkey', { body });
    storeCsrf(session.csrfToken);
    return session;
  },
  passkeys: () => request('GET /api/v1/me/passkeys', {}),
  passkeyRegistrationOptions: () => request('POST /api/v1/me/passkeys/options', {}),
  registerPasskey: (body: Body<'POST /api/v1/me/passkeys'>) => request('POST /api/v1/me/passkeys', { body }),
  renamePasskey: (id: string, name: string) =>
    request('PATCH /api/v1/me/passkeys/{id}', { path: { id }, body: { name } }),
  removePasskey: (id: string) => request('DELETE /api/v1/me/passkeys/{id}', { path: { id } }),
  offices: () => request('GET /api/v1/offices', {}),
  addOffice: (body: Body<'POST /api/v1/offices'>) => request('POST /api/v1/offices', { body }),
  users: () => request('GET /api/v1/users', {}),
  addUser: (body: Body<'POST /api/v1/users'>) => request('POST /api/v1/users', { body }),
  roster: (id: string) => request('GET /api/v1/offices/{id}/roster', { path: { id } }),
  addWatch: (id: string, body: Body<'POST /api/v1/offices/{id}/roster'>) =>
    request('POST /api/v1/offices/{id}/roster', { path: { id }, body }),
  removeWatch: (id: string, shift: string) =>
    request('DELETE /api/v1/offices/{id}/roster/{shift}', { path: { id, shift } }),
  channels: () => request('GET /api/v1/channels', {}),
  createChannel: (body: Body<'POST /api/v1/channels'>) => request('POST /api/v1/channels', { body }),
  channel: (channel: string) => request('GET /api/v1/channels/{channel}', { path: { channel } }),
  channelState: (channel: string) => request('GET /api/v1/channels/{channel}/state', { path: { channel } }),
  acceptChannel: (channel: string) =>
    request('POST /api/v1/channels/{channel}/accept', { path: { channel } }),
  entries: (channel: string, after: number, limit: number) =>
    request('GET /api/v1/channels/{channel}/entries', { path: { channel }, query: { after, limit } }),
  postEntry: (channel: string, body: NewEntry) =>
    request('POST /api/v1/channels/{channel}/entries', { path: { channel }, body }),
  entry: (channel: string, party: string, seq: number) =>
    request('GET /api/v1/channels/{channel}/entries/{party}/{seq}', { path: { channel, party, seq } }),
  delivery: (channel: string, party: string, seq: number) =>
    request('GET /api/v1/channels/{channel}/entries/{party}/{seq}/delivery', {
      path: { channel, party, seq },
    }),
  acknowledge: (
    channel: string,
    party: string,
    seq: number,
    body: Body<'POST /api/v1/channels/{channel}/entries/{party}/{seq}/receipts'>,
  ) =>
    request('POST /api/v1/channels/{channel}/entries/{party}/{seq}/receipts', {
      path: { channel, party, seq },
      body,
    }),
  checkpoints: (channel: string) =>
    request('GET /api/v1/channels/{channel}/checkpoints', { path: { channel } }),
  inbox: (limit = 1000) => request('GET /api/v1/inbox', { query: { limit } }),
  search: (query: SearchQuery) => request('GET /api/v1/search', { query }),
  /** Pinned peers; a node serving without federation has none (the route is absent). */
  async peers(): Promise<Peer[]> {
    try {
      return (await request('GET /api/v1/peers', {})).peers;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return [];
      throw error;
    }
  },
  pinPeer: (body: Body<'POST /api/v1/peers'>) => request('POST /api/v1/peers', { body }),
  linkTests: (party: string, limit = 200) =>
    request('GET /api/v1/peers/{party}/link-tests', { path: { party }, query: { limit } }),
  alerts: () => request('GET /api/v1/alerts', {}),
  obligations: (direction: 'owing' | 'owed', channel?: string) =>
    request('GET /api/v1/obligations', { query: { direction, channel, limit: 1000 } }),
  objectives: (channel: string) =>
    request('GET /api/v1/channels/{channel}/objectives', { path: { channel } }),
  status: (channel: string, party: string, seq: number) =>
    request('GET /api/v1/channels/{channel}/entries/{party}/{seq}/status', {
      path: { channel, party, seq },
    }),
  clarifications: (channel: string, state: 'open' | 'all' = 'open') =>
    request('GET /api/v1/channels/{channel}/clarifications', { path: { channel }, query: { state } }),
  statements: (channel: string) =>
    request('GET /api/v1/channels/{channel}/statements', { path: { channel } }),
  publicStatements: (channel: string) =>
    request('GET /api/v1/channels/{channel}/public-statements', { path: { channel } }),
  translations: (channel: string, party: string, seq: number) =>
    request('GET /api/v1/channels/{channel}/translations', {
      path: { channel },
      query: { of: `${party}/${seq}` },
    }),
  glossary: (channel: string) => request('GET /api/v1/channels/{channel}/glossary', { path: { channel } }),
  templates: (channel: string) => request('GET /api/v1/channels/{channel}/templates', { path: { channel } }),
  /** One's own API tokens (never their secrets). */
  tokens: () => request('GET /api/v1/tokens', {}),
  createToken: (body: Body<'POST /api/v1/tokens'>) => request('POST /api/v1/tokens', { body }),
  revokeToken: (id: string) => request('DELETE /api/v1/tokens/{id}', { path: { id } }),
  changePassword: (current: string, next: string) =>
    request('POST /api/v1/me/password', { body: { current, next } }),
  /** Replaces one's signing key (proving the password); one's sessions end. */
  rotateKey: (password: string) => request('POST /api/v1/me/key/rotate', { body: { password } }),
  /** Revokes someone's signing key (admin). */
  revokeKey: (id: string, reason: string) =>
    request('POST /api/v1/users/{id}/key/revoke', { path: { id }, body: { reason } }),
  disableUser: (id: string) => request('POST /api/v1/users/{id}/disable', { path: { id } }),
  enableUser: (id: string) => request('POST /api/v1/users/{id}/enable', { path: { id } }),
  /** A page of the security audit trail, newest first (admin). */
  auditEvents: (query: SecurityEventFilter) => request('GET /api/v1/audit-events', { query }),
  verifyAuditTrail: () => request('GET /api/v1/audit-events/verify', {}),
  /** The `{party, seq, hash}` reference of an entry named by its id (`channel/PARTY/seq`). */
  async refOf(id: string): Promise<EntryRef> {
    const [channel, party, seq] = splitId(id);
    const entry = await request('GET /api/v1/channels/{channel}/entries/{party}/{seq}', {
      path: { channel, party, seq },
    });
    return { party: entry.party, seq: entry.seq, hash: entry.hash };
  },
};

/** `channel/PARTY/seq` → its parts. */
export function splitId(id: string): [string, string, number] {
  const parts = id.split('/');
  const seq = Number(parts.pop());
  const party = parts.pop() ?? '';
  return [parts.join('/'), party, seq];
}

export function refOfEntry(entry: Entry): EntryRef {
  return { party: entry.party, seq: entry.seq, hash: entry.hash };
}
