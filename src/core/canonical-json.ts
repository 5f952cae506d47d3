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
  try {
    return encode(value);
  } catch (error) {
    // The fast path carries no paths; on failure, walk again to say where the problem is.
    if (error instanceof CanonicalJsonError) throw locate(value, '$') ?? error;
    throw error;
  }
}

const NOT_CANONICAL = new CanonicalJsonError('value is outside the canonical JSON profile', '$');

// Hot path (every append, every verified entry): no path strings, no intermediate arrays.
function encode(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw NOT_CANONICAL;
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw NOT_CANONICAL;
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + encode(value[i]);
        return `${out}]`;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw NOT_CANONICAL;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        if (!ASCII_KEY.test(key)) throw NOT_CANONICAL;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${encode(item)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw NOT_CANONICAL;
  }
}

/** Finds the first value outside the profile and describes it with its path. */
function locate(value: unknown, path: string): CanonicalJsonError | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
      return null;
    case 'string':
      return LONE_SURROGATE.test(value) ? new CanonicalJsonError('lone surrogate in string', path) : null;
    case 'number':
      if (!Number.isSafeInteger(value)) return new CanonicalJsonError('only safe integers are allowed', path);
      return Object.is(value, -0) ? new CanonicalJsonError('-0 is not allowed', path) : null;
    case 'object': {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i += 1) {
          const found = locate(value[i], `${path}[${i}]`);
          if (found) return found;
        }
        return null;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        return new CanonicalJsonError('only plain objects are allowed', path);
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record).sort()) {
        if (record[key] === undefined) continue;
        if (!ASCII_KEY.test(key)) return new CanonicalJsonError('object keys must be printable ASCII', path);
        const found = locate(record[key], `${path}.${key}`);
        if (found) return found;
      }
      return null;
    }
    default:
      return new CanonicalJsonError(`${typeof value} is not a JSON value`, path);
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
