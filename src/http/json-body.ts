/**
 * The one JSON body parser for every route, the node-to-node API included: a body must be UTF-8
 * I-JSON in the canonical profile (core/canonical-json.ts, `parseStrictJson`) before any handler
 * sees it, so nothing that could not be signed as sent is taken in (DESIGN.md "The log").
 * Text that is not JSON, or repeats a member name, is `malformed_json`; a value outside the
 * profile (a lone surrogate, a key that is not printable ASCII, an unsafe integer, -0) is
 * `body_invalid`, naming its path as validation errors do (`body.body.fields.x`).
 *
 * Fractions pass here: request schemas refuse them, and the entry schemas explain how to send
 * such a value (scaled, or as a string). Whatever still slips through is refused per entry by
 * the appender.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CanonicalJsonError, JsonSyntaxError, parseStrictJson } from '../core/canonical-json.js';
import { ParleyError } from '../core/errors.js';

// fatal: invalid UTF-8 is refused rather than silently replaced with U+FFFD; ignoreBOM keeps a
// byte order mark in the text, where the parser refuses it (RFC 8259 §8.1).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A refused request body; `detail` is the message without the "not valid JSON" preamble. */
export class JsonBodyError extends ParleyError {
  constructor(
    code: 'malformed_json' | 'body_invalid',
    readonly detail: string,
  ) {
    super(code, code === 'malformed_json' ? `request body is not valid JSON: ${detail}` : detail);
  }
}

/** Decodes and parses a request body; refuses it with a JsonBodyError. */
export function parseJsonBody(body: Uint8Array | string): { text: string; value: unknown } {
  let text: string;
  try {
    text = typeof body === 'string' ? body : UTF8.decode(body);
  } catch {
    throw new JsonBodyError('malformed_json', 'it is not UTF-8');
  }
  try {
    return { text, value: parseStrictJson(text, { allowFractions: true }) };
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new JsonBodyError('malformed_json', error.message);
    if (error instanceof CanonicalJsonError) {
      throw new JsonBodyError('body_invalid', `body${error.path.slice(1)}: ${error.reason}`);
    }
    throw error;
  }
}

export interface JsonBodyOptions {
  /** Keep the exact text as `request.rawBody` (a request signature covers the bytes). */
  keepRawBody?: boolean;
  /**
   * Refuse with a plain 400 parse error instead of a ParleyError, for scopes that log parser
   * refusals apart from domain ones (the federation API); the code is then malformed_json.
   */
  asParseErrors?: boolean;
}

/** Makes `parseJsonBody` the `application/json` parser of `app` (and the scopes below it). */
export function installJsonBodyParser(app: FastifyInstance, options: JsonBodyOptions = {}): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      const { text, value } = parseJsonBody(body as Buffer);
      if (options.keepRawBody) (request as FastifyRequest & { rawBody?: string }).rawBody = text;
      done(null, value);
    } catch (error) {
      if (options.asParseErrors && error instanceof JsonBodyError) {
        done(Object.assign(new SyntaxError(error.detail), { statusCode: 400 }), undefined);
      } else {
        done(error as Error, undefined);
      }
    }
  });
}
