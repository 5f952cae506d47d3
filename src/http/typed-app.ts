/** The Fastify instance type with zod schemas as the type provider, shared by route modules. */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Authenticated } from './authenticate.js';

export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The authenticated caller; the onRequest hook has already refused anonymous requests. */
export function authOf(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new Error('route is not behind authentication');
  return request.auth;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without authentication (health, metrics, OpenAPI, login). */
    public?: boolean;
    /** Also open to a session that still owes its passkey (the passkey step, logout). */
    pendingFactor?: boolean;
  }
}
