/**
 * Every API operation the CLI calls, as `METHOD /path` exactly as the node's OpenAPI document
 * names it. `scripts/generate-cli-api-types.ts` turns these into `api-types.generated.ts` from the
 * node's `/openapi.json`, and `test/cli-api-types.test.ts` fails when one of them is missing from
 * the document or the generated types are stale. The CLI keeps its own list (rather than sharing
 * the web app's) so that each client's types describe exactly the routes it calls.
 */
export const CLI_OPERATIONS = [
  'POST /api/v1/channels',
  'GET /api/v1/channels/{channel}',
  'POST /api/v1/channels/{channel}/accept',
  'GET /api/v1/channels/{channel}/entries',
  'POST /api/v1/channels/{channel}/entries',
  'GET /api/v1/channels/{channel}/entries/{party}/{seq}',
  'POST /api/v1/channels/{channel}/entries/{party}/{seq}/receipts',
  'GET /api/v1/channels/{channel}/entries/{party}/{seq}/status',
  'GET /api/v1/inbox',
  'GET /api/v1/obligations',
  'GET /api/v1/peers',
  'GET /api/v1/channels/{channel}/clarifications',
  'GET /api/v1/channels/{channel}/statements',
  'GET /api/v1/channels/{channel}/translations',
  'GET /api/v1/channels/{channel}/glossary',
  'GET /api/v1/channels/{channel}/templates',
] as const;

export type CliOperation = (typeof CLI_OPERATIONS)[number];
