/**
 * People's key custody (workflows/directory/key-custody.ts): a session and an API token may each
 * carry the person's signing key wrapped under a key derived from their own secret, so deleting
 * the row destroys the copy. `principals.private_key` keeps its column; what it holds becomes
 * the key sealed under the person's password (legacy plain keys are sealed at the next login).
 * SQLite's version 10, PostgreSQL's 11.
 */
import type { DdlDialect, Migration } from './schema.js';

export function keyCustodySchema(_d: DdlDialect, version: number): Migration {
  return {
    version,
    name: 'key custody',
    sql: `
      ALTER TABLE sessions ADD COLUMN wrapped_key TEXT;
      ALTER TABLE api_tokens ADD COLUMN wrapped_key TEXT;
    `,
  };
}
