/**
 * Formatted notifications, in the spirit of the nuclear risk reduction centres' agreed formats:
 * a `template` (a named, versioned JSON Schema published by a head) and a `notification` (a
 * filled template: fields that validate against that exact version, plus a human-readable
 * text). Schemas are JSON Schema draft 2020-12 as Ajv supports it in strict mode
 * (https://json-schema.org/draft/2020-12, https://ajv.js.org/strict-mode.html). Importing this
 * module registers the kinds.
 *
 * A template's `pattern`s run on every notification of it, so they run on RE2 (the re2js port),
 * whose matching time is linear in the input: with JavaScript's backtracking engine a pattern
 * such as `^(a+)+$` would take exponential time on a short hostile value and stall the node.
 * RE2 has no lookaround and no backreferences; a schema using them is refused when published.
 */
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { CanonicalJsonError, canonicalize } from '../../core/canonical-json.js';
import { ID_PATTERN, MAX_TEXT } from '../../core/model.js';
import { KindRuleError, defineKind } from '../../core/kinds.js';
import type { KindCheckContext, KindDefinition, LoggedEntry } from '../../core/kinds.js';

const name = z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"');
const version = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Converts a canonical-JSON path (`$.area.lat`, `$.points[2]`) into zod path segments. */
function pathSegments(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const match of path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    segments.push(match[1] !== undefined ? match[1] : Number(match[2]));
  }
  return segments;
}

/**
 * A JSON object that fits Parley's canonical JSON profile (safe integers only, ASCII keys), so
 * that it can be signed; the issue names the first value that does not fit.
 */
function canonicalObject() {
  return z.record(z.string(), z.unknown()).superRefine((value, context) => {
    try {
      canonicalize(value);
    } catch (error) {
      if (!(error instanceof CanonicalJsonError)) throw error;
      context.addIssue({
        code: 'custom',
        path: pathSegments(error.path),
        message: `${error.reason} (signed entries carry integers, not fractions: scale the value or send it as a string)`,
      });
    }
  });
}

export const templateBody = z.strictObject({
  name,
  version,
  title: z.string().trim().min(1).max(200),
  /** JSON Schema (draft 2020-12) that a notification's `fields` must satisfy. */
  schema: canonicalObject(),
});

export const notificationBody = z.strictObject({
  template: z.strictObject({ name, version }),
  fields: canonicalObject(),
  /** A human-readable rendering of the fields, in the entry's language. */
  text: z.string().min(1).max(MAX_TEXT),
});

export type TemplateBody = z.infer<typeof templateBody>;
export type NotificationBody = z.infer<typeof notificationBody>;

/** Formats Ajv cannot check without a plugin; a schema using another format is refused. */
const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i,
  'date-time':
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i,
};

/**
 * Compiles a template's schema with Ajv in strict mode (unknown keywords, formats and ambiguous
 * types are errors). A fresh Ajv per schema keeps one template's `$id` from clashing with
 * another's. Throws Error with Ajv's message when the schema is not acceptable.
 */
export function compileTemplateSchema(schema: Record<string, unknown>): ValidateFunction {
  const ajv = new (ajvClass())({
    strict: true,
    allErrors: false,
    formats: FORMATS,
    code: { regExp: linearRegExp },
  });
  return ajv.compile(schema);
}

/**
 * Ajv (~80 modules) is loaded when the first template schema is compiled, not on import: every
 * CLI command loads the kinds, few of them compile a schema. Ajv is CommonJS, so a synchronous
 * require keeps compileTemplateSchema synchronous for the kind rules.
 */
let loadedAjv: typeof Ajv2020 | undefined;
function ajvClass(): typeof Ajv2020 {
  loadedAjv ??= (createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020;
  return loadedAjv;
}

/**
 * Ajv's regular-expression engine for `pattern` and `patternProperties` (ajv.js.org/options.html,
 * `code.regExp`): JSON Schema patterns are ECMA-262 syntax, translated to RE2's. RE2 is always
 * Unicode-aware, so Ajv's "u" flag needs no counterpart.
 */
const linearRegExp = Object.assign(
  (pattern: string): { test(value: string): boolean; toString(): string } => {
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch (error) {
      throw new Error(
        `pattern ${JSON.stringify(pattern)} is not supported (${(error as Error).message}); patterns run in linear time, without lookaround or backreferences`,
      );
    }
    // Ajv caches compiled patterns under toString(): it must differ per pattern.
    return { test: (value) => compiled.test(value), toString: () => `re2:${pattern}` };
  },
  { code: 'linearRegExp' },
);

/**
 * Describes the first validation failure with the field's path, e.g.
 * `fields.area.lat: must be <= 90` or `fields.area.lat: is required`.
 */
export function describeFieldError(error: ErrorObject | undefined): string {
  if (!error) return 'fields: do not match the template';
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty !== undefined) {
    return `${['fields', ...path, params.missingProperty].join('.')}: is required`;
  }
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    return `${['fields', ...path, params.additionalProperty].join('.')}: is not a field of the template`;
  }
  return `${['fields', ...path].join('.')}: ${error.message ?? 'is not valid'}`;
}

/** Compiled schemas per channel and template entry hash: a hash names one exact schema. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 1000;

function validatorFor(channel: string, template: LoggedEntry): ValidateFunction {
  const key = `${channel}\n${template.hash}`;
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = compileTemplateSchema(template.body.schema as Record<string, unknown>);
    } catch (error) {
      // Published before patterns ran on RE2, with syntax RE2 lacks: it cannot be checked safely.
      throw new KindRuleError('body_invalid', `template ${template.id}: ${(error as Error).message}`);
    }
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** Same order on every node: by hybrid logical clock, then party, then seq. */
function byClock(a: LoggedEntry, b: LoggedEntry): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return a.party < b.party ? -1 : a.party > b.party ? 1 : a.seq - b.seq;
}

/**
 * The template entries of a channel with this name and version, earliest first. Two parties'
 * heads could publish the same version before seeing each other's; the earliest one counts.
 */
export async function findTemplate(
  context: Pick<KindCheckContext, 'listByKind'>,
  templateName: string,
  templateVersion: number,
): Promise<LoggedEntry | null> {
  const matching = (await context.listByKind('template'))
    .filter((t) => t.body.name === templateName && t.body.version === templateVersion)
    .sort(byClock);
  return matching[0] ?? null;
}

export const templateKind = defineKind({
  name: 'template',
  authoredBy: 'principal',
  schema: templateBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `template ${body.name}@${body.version}: ${body.title}`,
  async check(context, body) {
    if (context.actor.role !== 'head') {
      throw new KindRuleError('forbidden', 'only the head of a member office publishes templates');
    }
    try {
      compileTemplateSchema(body.schema);
    } catch (error) {
      throw new KindRuleError('body_invalid', `schema: ${(error as Error).message}`);
    }
    const existing = await findTemplate(context, body.name, body.version);
    if (existing) {
      throw new KindRuleError(
        'already_exists',
        `template ${body.name}@${body.version} is already published (${existing.id}); publish version ${body.version + 1} instead`,
      );
    }
  },
});

export const notificationKind = defineKind({
  name: 'notification',
  authoredBy: 'principal',
  schema: notificationBody,
  expectsReceipt: true,
  ref: () => null,
  summary: (body) => `${body.template.name}@${body.template.version}: ${body.text.slice(0, 80)}`,
  async check(context, body) {
    const { name: templateName, version: templateVersion } = body.template;
    const template = await findTemplate(context, templateName, templateVersion);
    if (!template) {
      const published = (await context.listByKind('template')).map(
        (t) => `${String(t.body.name)}@${String(t.body.version)}`,
      );
      throw new KindRuleError(
        'ref_invalid',
        `template ${templateName}@${templateVersion} is not published in '${context.channel.id}'${
          published.length > 0 ? ` (published: ${[...new Set(published)].join(', ')})` : ''
        }`,
      );
    }
    const validate = validatorFor(context.channel.id, template);
    if (!validate(body.fields))
      throw new KindRuleError('body_invalid', describeFieldError(validate.errors?.[0]));
  },
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const templatesKinds: KindDefinition[] = [templateKind, notificationKind];
