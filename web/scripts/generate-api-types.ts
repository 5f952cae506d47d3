/**
 * Generates `web/src/lib/api-types.generated.ts`, the web app's request and response types, from
 * the node's own OpenAPI 3 document (`GET /openapi.json`), for exactly the operations listed in
 * `web/src/lib/api-operations.ts`. A listed operation missing from the document is an error, so the
 * client can never call a route the node does not serve. `test/web-api-types.test.ts` runs the
 * same generation and fails when the checked-in file differs.
 *
 * Run: `npm run gen:web-api` (after changing an API schema or the list of operations);
 * `--out PATH` writes the same types to another file instead (relative to the working directory).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import * as prettier from 'prettier';
import { createFederation } from '../../src/federation/federation.js';
import { federationContextOf } from '../../src/federation/node-context.js';
import { buildServer } from '../../src/http/server.js';
import { initNode } from '../../src/workflows/open-node.js';
import { API_OPERATIONS } from '../src/lib/api-operations.js';

/** Where the web app's generated types live (the default output). */
export const GENERATED_PATH = resolve(fileURLToPath(import.meta.url), '../../src/lib/api-types.generated.ts');

/** The subset of JSON Schema (OpenAPI 3.0 dialect) that zod schemas produce. */
interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Starts a throw-away node in-process (never listening) and reads its OpenAPI document. */
export async function readOpenApiDocument(): Promise<OpenApiDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-openapi-'));
  const node = await initNode({
    dataDir: join(dir, 'node'),
    party: 'XX',
    partyName: 'OpenAPI',
    adminId: 'admin',
    adminPassword: 'openapi-generation-only',
  });
  try {
    const federation = createFederation(federationContextOf(node));
    const app = await buildServer(node, { logger: false, federation });
    try {
      const response = await app.inject({ method: 'GET', url: '/openapi.json' });
      if (response.statusCode !== 200) throw new Error(`/openapi.json answered ${response.statusCode}`);
      return withComponents(response.json<OpenApiDocument>());
    } finally {
      await app.close();
    }
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The node's document refers to named schemas (`Entry`, `Channel`, …) registered in zod's global
 * registry; when the server does not copy them into `components` itself, do it here with the same
 * registry, so every `$ref` resolves.
 */
function withComponents(doc: OpenApiDocument): OpenApiDocument {
  const refs = JSON.stringify(doc.paths).match(/#\/components\/schemas\/[A-Za-z0-9_]+/g) ?? [];
  const missing = refs.some((ref) => !doc.components?.schemas?.[ref.split('/').at(-1)!]);
  if (!missing) return doc;
  const transform = jsonSchemaTransformObject as unknown as (d: { openapiObject: unknown }) => unknown;
  return transform({ openapiObject: doc }) as OpenApiDocument;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** Renders a JSON schema as a TypeScript type; named components become references. */
function typeOf(schema: JsonSchema | undefined, used: Set<string>): string {
  if (!schema) return 'unknown';
  const base = baseTypeOf(schema, used);
  return schema.nullable ? `${base} | null` : base;
}

function baseTypeOf(schema: JsonSchema, used: Set<string>): string {
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1)!;
    used.add(name);
    return name;
  }
  if (schema.anyOf ?? schema.oneOf) {
    return (schema.anyOf ?? schema.oneOf)!.map((s) => `(${typeOf(s, used)})`).join(' | ');
  }
  if (schema.allOf) return schema.allOf.map((s) => `(${typeOf(s, used)})`).join(' & ');
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.type)) {
    return schema.type.map((t) => baseTypeOf({ ...schema, type: t }, used)).join(' | ');
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${typeOf(schema.items, used)}>`;
    case 'object':
    case undefined: {
      if (!schema.properties && schema.type === undefined) return 'unknown';
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties ?? {}).map(
        ([name, s]) => `${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(s, used)};`,
      );
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object') {
        const value = typeOf(extra, used);
        if (fields.length === 0) return `Record<string, ${value}>`;
        fields.push(`[key: string]: ${value === 'unknown' ? 'unknown' : `${value} | undefined`};`);
      }
      return `{ ${fields.join(' ')} }`;
    }
    default:
      return 'unknown';
  }
}

function jsonContent(content: Record<string, { schema: JsonSchema }> | undefined): JsonSchema | undefined {
  return content?.['application/json']?.schema;
}

/**
 * Generates the TypeScript source for `operations` from `doc`; throws when one is missing.
 * `outPath` only picks the Prettier configuration that applies to the file it will be written to.
 */
export async function generateApiTypes(
  doc: OpenApiDocument,
  operations: readonly string[] = API_OPERATIONS,
  outPath: string = GENERATED_PATH,
): Promise<string> {
  const missing: string[] = [];
  const used = new Set<string>();
  const entries: string[] = [];
  for (const op of operations) {
    const [method, path] = op.split(' ') as [string, string];
    const operation = doc.paths[path]?.[method.toLowerCase()];
    if (!operation) {
      missing.push(op);
      continue;
    }
    const params = operation.parameters ?? [];
    const fieldsIn = (where: string): string => {
      const fields = params
        .filter((p) => p.in === where)
        .map((p) => `${key(p.name)}${p.required ? '' : '?'}: ${typeOf(p.schema, used)};`);
      return fields.length === 0 ? 'Record<string, never>' : `{ ${fields.join(' ')} }`;
    };
    const body = operation.requestBody ? typeOf(jsonContent(operation.requestBody.content), used) : 'never';
    const success = Object.keys(operation.responses ?? {})
      .filter((status) => /^2\d\d$/.test(status))
      .sort();
    const first = success[0];
    const response =
      first === undefined
        ? 'unknown'
        : first === '204'
          ? 'null'
          : typeOf(jsonContent(operation.responses![first]!.content), used);
    entries.push(
      `${JSON.stringify(op)}: { path: ${fieldsIn('path')}; query: ${fieldsIn('query')}; body: ${body}; response: ${response}; status: ${first ?? 'number'} };`,
    );
  }
  if (missing.length > 0) {
    throw new Error(`the node's OpenAPI document has no operation ${missing.join(', ')}`);
  }
  // Named schemas, including those only other named schemas refer to.
  const components = doc.components?.schemas ?? {};
  const emitted: string[] = [];
  const done = new Set<string>();
  for (let pending = [...used]; pending.length > 0; pending = [...used].filter((n) => !done.has(n))) {
    for (const name of pending.sort()) {
      done.add(name);
      const schema = components[name];
      if (!schema) throw new Error(`the OpenAPI document refers to a schema it lacks: ${name}`);
      emitted.push(`export type ${name} = ${typeOf(schema, used)};`);
    }
  }
  const source = [
    "// Generated by web/scripts/generate-api-types.ts from the node's /openapi.json: do not edit.",
    '// Regenerate with `npm run gen:web-api`; test/web-api-types.test.ts checks it is current.',
    '',
    ...emitted.sort(),
    '',
    '/** Request and response types per operation (`METHOD /path` as in the OpenAPI document). */',
    'export interface ApiOperations {',
    ...entries,
    '}',
    '',
  ].join('\n');
  const config = (await prettier.resolveConfig(outPath)) ?? {};
  return prettier.format(source, { ...config, parser: 'typescript', filepath: outPath });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outPath = values.out === undefined ? GENERATED_PATH : resolve(values.out);
  const source = await generateApiTypes(await readOpenApiDocument(), API_OPERATIONS, outPath);
  writeFileSync(outPath, source);
  process.stdout.write(`wrote ${outPath}\n`);
}
