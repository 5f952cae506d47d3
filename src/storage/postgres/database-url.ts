/**
 * PostgreSQL database URLs as Parley takes them: `postgres://user@host:5432/database?schema=name`.
 * Kept free of the `pg` import so that choosing a backend costs nothing when SQLite is used.
 *
 * `schema` is Parley's own parameter (each node keeps its tables in its own schema, so several
 * nodes can share one database); it is removed before the URL reaches node-postgres. Passwords
 * are never shown or stored: `redactDatabaseUrl` drops them.
 */

/** The schema a node uses when its database URL names none. */
export const DEFAULT_SCHEMA = 'parley';

/** Valid schema names for a node: unquoted lower-case PostgreSQL identifiers. */
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** A database URL split into what node-postgres gets and the node's schema. */
export interface PostgresTarget {
  /** The URL without `schema` and `options` (they are passed separately). */
  connectionString: string;
  schema: string;
  /** Server options for every connection (`-c search_path=… -c synchronous_commit=on`). */
  options: string;
}

const URL_PROTOCOLS = new Set(['postgres:', 'postgresql:']);

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo the URL: it may hold a password.
    throw new Error('the database URL is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (!URL_PROTOCOLS.has(parsed.protocol)) {
    throw new Error(
      `the database URL must start with postgres:// or postgresql://, not ${parsed.protocol}//`,
    );
  }
  return parsed;
}

/** Whether a database URL carries a password. */
export function hasPassword(url: string): boolean {
  return parseUrl(url).password !== '';
}

/** The URL without its password, safe to show and to store. Throws on a malformed URL. */
export function redactDatabaseUrl(url: string): string {
  const parsed = parseUrl(url);
  parsed.password = '';
  return parsed.toString();
}

/**
 * Splits a database URL: `?schema=` (or `schemaOverride`) picks the node's schema, validated
 * against SCHEMA_NAME_PATTERN; any `?options=` is kept and extended with ours.
 */
export function parseDatabaseUrl(url: string, schemaOverride?: string): PostgresTarget {
  const parsed = parseUrl(url);
  const schema = schemaOverride ?? parsed.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME_PATTERN.test(schema)) {
    throw new Error(
      `schema name '${schema}' is not valid: use 1 to 63 lower-case letters, digits and _, not starting with a digit`,
    );
  }
  const userOptions = parsed.searchParams.get('options');
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('options');
  // Later -c settings win, so ours come last.
  const options = [userOptions, `-c search_path=${schema}`, '-c synchronous_commit=on']
    .filter((o): o is string => Boolean(o))
    .join(' ');
  return { connectionString: parsed.toString(), schema, options };
}
