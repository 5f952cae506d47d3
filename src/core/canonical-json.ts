/**
 * Canonical JSON: RFC 8785 (JSON Canonicalization Scheme) in Parley's restricted profile.
 *
 * The profile allows only safe integers (no fractions, no exponents beyond what integers need,
 * no -0), ASCII object keys and no duplicate keys. Within that profile the output is also
 * Matrix-style canonical JSON. Sorting ASCII keys by code unit equals RFC 8785 §3.2.3 ordering,
 * and `JSON.stringify` of a string is RFC 8785 §3.2.2.2 string serialisation.
 */

/** A JSON value allowed by the restricted profile. */
export type CanonicalValue =
  null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

/** Thrown when a value falls outside the restricted profile. */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path}`);
  }
}

const ASCII_KEY = /^[\x20-\x7e]*$/;
// In unicode mode a paired surrogate is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Serialises `value` to canonical JSON text (RFC 8785, restricted profile). */
export function canonicalize(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError('lone surrogate in string', path);
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError('only safe integers are allowed', path);
      if (Object.is(value, -0)) throw new CanonicalJsonError('-0 is not allowed', path);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => encode(item, `${path}[${index}]`)).join(',')}]`;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new CanonicalJsonError('only plain objects are allowed', path);
      }
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        if (!ASCII_KEY.test(key)) throw new CanonicalJsonError('object keys must be printable ASCII', path);
        const item = record[key];
        if (item === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${encode(item, `${path}.${key}`)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(`${typeof value} is not a JSON value`, path);
  }
}

/**
 * Parses text that must already be canonical. Rejects duplicate keys, non-canonical spacing or
 * ordering, and anything outside the profile, because a re-encoding that differs from the input
 * means the input was not what its signer saw.
 */
export function parseCanonical(text: string): CanonicalValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CanonicalJsonError(`not JSON: ${(error as Error).message}`, '$');
  }
  if (canonicalize(value) !== text) throw new CanonicalJsonError('text is not in canonical form', '$');
  return value as CanonicalValue;
}
