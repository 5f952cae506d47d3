/**
 * The CLI's API client is checked against the node's own OpenAPI document: every operation the
 * CLI calls (src/cli/api-operations.ts) must exist in /openapi.json, and the client's types
 * (generated/cli-api-types.generated.d.ts) must be exactly what the document generates today. Also checks
 * how the client turns an operation and its arguments into a request.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationRequest } from '../src/cli/api-client.js';
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
    expect(actual, 'generated/cli-api-types.generated.d.ts is stale: run `npm run gen:cli-api`').toBe(
      expected,
    );
  });
});

describe('CLI API client requests', () => {
  it('fills and encodes path parameters, and leaves out query parameters not given', () => {
    expect(
      operationRequest('GET /api/v1/channels/{channel}/entries/{party}/{seq}/status', {
        path: { channel: 'a b/c', party: 'RU', seq: '4' },
      }),
    ).toEqual({ method: 'GET', path: '/api/v1/channels/a%20b%2Fc/entries/RU/4/status', body: undefined });
    expect(
      operationRequest('GET /api/v1/obligations', {
        query: { direction: 'owing', limit: '100', channel: undefined, office: 'ru-svr' },
      }).path,
    ).toBe('/api/v1/obligations?direction=owing&limit=100&office=ru-svr');
  });

  it('sends the body as given', () => {
    const body = { kind: 'note', body: { text: 'hello' } };
    expect(
      operationRequest('POST /api/v1/channels/{channel}/entries', { path: { channel: 'intel' }, body }),
    ).toEqual({ method: 'POST', path: '/api/v1/channels/intel/entries', body });
  });
});
