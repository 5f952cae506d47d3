/**
 * Every API operation the web app calls, as `METHOD /path` exactly as the node's OpenAPI document
 * names it. `web/scripts/generate-api-types.ts` turns these into `api-types.generated.ts` from the
 * node's `/openapi.json`, and `test/web-api-types.test.ts` fails when one of them is missing from
 * the document or the generated types are stale. No DOM here: the test imports this file.
 */
export const API_OPERATIONS = [
  'POST /api/v1/session',
  'DELETE /api/v1/session',
  'GET /api/v1/me',
  'GET /api/v1/offices',
  'POST /api/v1/offices',
  'GET /api/v1/users',
  'POST /api/v1/users',
  'GET /api/v1/channels',
  'POST /api/v1/channels',
  'GET /api/v1/channels/{channel}',
  'GET /api/v1/channels/{channel}/state',
  'POST /api/v1/channels/{channel}/accept',
  'GET /api/v1/channels/{channel}/entries',
  'POST /api/v1/channels/{channel}/entries',
  'GET /api/v1/channels/{channel}/entries/{party}/{seq}',
  'GET /api/v1/channels/{channel}/entries/{party}/{seq}/delivery',
  'POST /api/v1/channels/{channel}/entries/{party}/{seq}/receipts',
  'GET /api/v1/channels/{channel}/events',
  'GET /api/v1/channels/{channel}/checkpoints',
  'GET /api/v1/inbox',
  'GET /api/v1/peers',
  'POST /api/v1/peers',
  'GET /api/v1/peers/{party}/link-tests',
  'GET /api/v1/alerts',
  'GET /api/v1/obligations',
  'GET /api/v1/channels/{channel}/objectives',
  'GET /api/v1/channels/{channel}/entries/{party}/{seq}/status',
  'GET /api/v1/channels/{channel}/clarifications',
  'GET /api/v1/channels/{channel}/statements',
  'GET /api/v1/channels/{channel}/translations',
  'GET /api/v1/channels/{channel}/glossary',
  'GET /api/v1/channels/{channel}/templates',
  'GET /api/v1/channels/{channel}/briefings',
  'GET /api/v1/channels/{channel}/invitations',
  'GET /api/v1/commitments',
] as const;

export type ApiOperation = (typeof API_OPERATIONS)[number];
