/**
 * Maps every failure to the one error shape `{"error": {"code", "message"}}` with a stable code:
 * domain errors (ParleyError) keep theirs; Fastify's validation, parsing and size errors get
 * codes of their own; a write that lost a race with another process of this node (a chain or
 * clock conflict, a lease that moved on) is a retryable 503 with Retry-After; anything
 * unexpected is a logged 500 whose details stay in the log.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ParleyError, type ErrorCode, ERROR_CODES } from '../core/errors.js';
import { plainIssue } from '../core/plain-issue.js';
import { ChainConflictError, ClockBehindError, LeaseLostError } from '../storage/storage.js';
import type { Metrics } from './metrics.js';

/** Seconds a client is told to wait after losing a race with another process of this node. */
const RACE_RETRY_AFTER_SECONDS = 1;

/** Errors of concurrency between this node's processes: nothing was written, a retry succeeds. */
function isProcessRace(error: unknown): boolean {
  return (
    error instanceof ChainConflictError ||
    error instanceof ClockBehindError ||
    error instanceof LeaseLostError
  );
}

/**
 * One sentence naming the field in plain words: `body.text: must not be empty`. The zod provider
 * reports each issue as `{keyword: code, instancePath: "/a/b", message, params: {the rest}}`.
 */
function describeValidation(error: FastifyError): string {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const path = (first?.instancePath ?? '').split('/').filter(Boolean).join('.');
    const where = `${error.validationContext ?? 'request'}${path ? `.${path}` : ''}`;
    if (!first) return `${where}: is not valid`;
    return `${where}: ${plainIssue({ ...(first.params as object), code: first.keyword, message: first.message })}`;
  }
  return error.message;
}

function fastifyCode(error: FastifyError): ErrorCode | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'malformed_json';
    default:
      if (error instanceof SyntaxError || error.statusCode === 400)
        return error.validation ? 'validation_failed' : 'malformed_json';
      return null;
  }
}

export function registerErrorHandling(app: FastifyInstance, metrics: Metrics): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let code: ErrorCode;
    let message: string;
    if (error instanceof ParleyError) {
      code = error.code;
      message = error.message;
      if (error.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(error.retryAfterSeconds));
    } else if (isProcessRace(error)) {
      code = 'unavailable';
      message = 'another process of this node wrote at the same time; nothing was written, retry shortly';
      void reply.header('retry-after', String(RACE_RETRY_AFTER_SECONDS));
      request.log.warn({ err: error }, 'write lost a race with another process of this node');
    } else if (error.validation) {
      code = 'validation_failed';
      message = describeValidation(error);
    } else {
      const mapped = fastifyCode(error);
      if (mapped) {
        code = mapped;
        message =
          mapped === 'malformed_json' ? `request body is not valid JSON: ${error.message}` : error.message;
      } else {
        code = 'internal';
        message = 'internal error; the node log has the details';
        request.log.error({ err: error }, 'unhandled error');
      }
    }
    metrics.errors.inc({ code });
    void reply.status(ERROR_CODES[code]).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}
