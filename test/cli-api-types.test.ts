/**
 * The CLI's API client is checked against the node's own OpenAPI document: every operation the
 * CLI calls (src/cli/api-operations.ts) must exist in /openapi.json, and the client's types
 * (src/cli/api-types.generated.ts) must be exactly what the document generates today.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_OPERATIONS } from '../src/cli/api-operations.js';
import { CLI_GENERATED_PATH, generateCliApiTypes } from '../scripts/generate-cli-api-types.js';
import { readOpenApiDocument, type OpenApiDocument } from '../web/scripts/generate-api-types.js';

let doc: OpenApiDocument;

beforeAll(async () => {
  doc = await readOpenApiDocument();
});

describe('CLI API client against the OpenAPI document', () => {
  it('calls only operations the node serves', () => {
    const missing = CLI_OPERATIONS.filter((op) => {
      const [method, path] = op.split(' ') as [string, string];
      return !doc.paths[path]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
  });

  it('has generated types that match the current document (else run `npm run gen:cli-api`)', async () => {
    const expected = await generateCliApiTypes(doc);
    const actual = readFileSync(CLI_GENERATED_PATH, 'utf8');
    expect(actual, 'src/cli/api-types.generated.ts is stale: run `npm run gen:cli-api`').toBe(expected);
  });
});
