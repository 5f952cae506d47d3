/**
 * Canonical JSON: RFC 8785 (JSON Canonicalization Scheme) in Parley's restricted profile.
 *
 * The profile allows only safe integers (no fractions, no exponents beyond what integers need,
 * no -0), ASCII object keys, no duplicate keys and no lone surrogates. Within that profile the
 * output is also Matrix-style canonical JSON. Sorting ASCII keys by code unit equals RFC 8785
 * §3.2.3 ordering, and `JSON.stringify` of a string is RFC 8785 §3.2.2.2 string serialisation.
 *
 * `parseStrictJson` is the gate for JSON arriving from outside (request bodies, DESIGN.md "The
 * log"): RFC 8259 syntax plus I-JSON (RFC 7493), so that a value is refused before anything is
 * signed rather than silently changed by `JSON.parse` (the last of duplicate names winning,
 * integers rounded) or refused later by `canonicalize` while other entries wait on it.
 */

/** A JSON value allowed by the restricted profile. */
export type CanonicalValue =
  null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

/** Thrown when a value falls outside the restricted profile. */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    /** What is wrong, without the path. */
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${reason} at ${path}`);
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

/** Thrown by `parseStrictJson` for text that is not JSON, or JSON that I-JSON forbids. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly reason: string,
    /** Offset in UTF-16 code units where the problem was found. */
    readonly offset: number,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

export interface StrictJsonOptions {
  /**
   * Let fractions through (as JSON.parse would read them) for a schema to refuse with its own
   * advice; integers out of the safe range, -0 and fractions that would read as integers are
   * refused all the same, since those values would be changed by reading them.
   */
  allowFractions?: boolean;
  /** Deepest nesting of arrays and objects accepted. */
  maxDepth?: number;
}

/** Far deeper than any Parley body; keeps recursive code downstream off the stack limit. */
export const MAX_JSON_DEPTH = 256;

/**
 * Parses JSON text strictly: RFC 8259 grammar only (no BOM, no trailing text), and I-JSON
 * (RFC 7493 §2.3, §2.5) for member names, which must be unique. `__proto__` as a member name,
 * and `constructor` holding `prototype`, are refused as Fastify's default parser refuses them.
 * The value must then fit the canonical profile: a `JsonSyntaxError` says the text is not
 * acceptable JSON at all; a `CanonicalJsonError` names the path of the first value outside the
 * profile. Linear in the length of the text.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): CanonicalValue {
  return new StrictParser(text, options.allowFractions ?? false, options.maxDepth ?? MAX_JSON_DEPTH).parse();
}

const enum Char {
  Tab = 0x09,
  Newline = 0x0a,
  Return = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerE = 0x65,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
// eslint-disable-next-line no-control-regex -- RFC 8259 §7: strings must escape U+0000 to U+001F
const CONTROL = /[\x00-\x1f]/;
/** A surrogate code unit, written as one or escaped: only then can a string hold a lone one. */
const SURROGATE_UNIT = /[\ud800-\udfff]|\\u[dD][89a-fA-F]/;
const HEX = /^[0-9a-fA-F]{4}$/;

class StrictParser {
  private pos = 0;
  /** Keys and indices from the root to the value being read, for CanonicalJsonError paths. */
  private readonly path: Array<string | number> = [];
  /** The first value outside the profile; reported once the whole text has proved to be JSON. */
  private outside: CanonicalJsonError | null = null;

  constructor(
    private readonly text: string,
    private readonly allowFractions: boolean,
    private readonly maxDepth: number,
  ) {}

  parse(): CanonicalValue {
    this.skipSpace();
    const value = this.value(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    if (this.outside) throw this.outside;
    return value;
  }

  private fail(reason: string, at = this.pos): never {
    throw new JsonSyntaxError(reason, at);
  }

  private refuse(reason: string): void {
    if (this.outside) return;
    let path = '$';
    for (const segment of this.path) path += typeof segment === 'number' ? `[${segment}]` : `.${segment}`;
    this.outside = new CanonicalJsonError(reason, path);
  }

  private skipSpace(): void {
    const { text } = this;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== Char.Space && c !== Char.Newline && c !== Char.Return && c !== Char.Tab) break;
      pos += 1;
    }
    this.pos = pos;
  }

  private unexpected(): never {
    if (this.pos >= this.text.length) this.fail('unexpected end of text');
    this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
  }

  private value(depth: number): CanonicalValue {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case Char.OpenBrace:
        return this.object(depth + 1);
      case Char.OpenBracket:
        return this.array(depth + 1);
      case Char.Quote:
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === Char.Minus || (c >= Char.Zero && c <= Char.Nine)) return this.number();
        return this.unexpected();
    }
  }

  private literal<T extends CanonicalValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.unexpected();
    this.pos += word.length;
    return value;
  }

  private object(depth: number): Record<string, CanonicalValue> {
    if (depth > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
    const { text } = this;
    this.pos += 1;
    const result: Record<string, CanonicalValue> = {};
    this.skipSpace();
    if (text.charCodeAt(this.pos) === Char.CloseBrace) {
      this.pos += 1;
      return result;
    }
    for (;;) {
      if (text.charCodeAt(this.pos) !== Char.Quote) {
        if (this.pos >= text.length) this.fail('unexpected end of text');
        this.fail('expected a member name in double quotes');
      }
      const keyAt = this.pos;
      const key = this.string(true);
      // I-JSON §2.3: names must be unique; JSON.parse would silently keep the last one.
      if (Object.hasOwn(result, key)) this.fail(`duplicate member name ${JSON.stringify(key)}`, keyAt);
      if (key === '__proto__') this.fail('member name "__proto__" is not allowed', keyAt);
      if (!ASCII_KEY.test(key)) this.refuse(`object key ${JSON.stringify(key)} is not printable ASCII`);
      this.skipSpace();
      if (text.charCodeAt(this.pos) !== Char.Colon) this.fail('expected ":" after a member name');
      this.pos += 1;
      this.skipSpace();
      this.path.push(key);
      const value = this.value(depth);
      this.path.pop();
      if (key === 'constructor' && isPlainRecord(value) && Object.hasOwn(value, 'prototype')) {
        this.fail('member "constructor" holding "prototype" is not allowed', keyAt);
      }
      result[key] = value;
      this.skipSpace();
      const c = text.charCodeAt(this.pos);
      this.pos += 1;
      if (c === Char.CloseBrace) return result;
      if (c !== Char.Comma) {
        this.pos -= 1;
        if (this.pos >= text.length) this.fail('unexpected end of text');
        this.fail('expected "," or "}" in an object');
      }
      this.skipSpace();
    }
  }

  private array(depth: number): CanonicalValue[] {
    if (depth > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
    const { text } = this;
    this.pos += 1;
    const result: CanonicalValue[] = [];
    this.skipSpace();
    if (text.charCodeAt(this.pos) === Char.CloseBracket) {
      this.pos += 1;
      return result;
    }
    for (;;) {
      this.path.push(result.length);
      result.push(this.value(depth));
      this.path.pop();
      this.skipSpace();
      const c = text.charCodeAt(this.pos);
      this.pos += 1;
      if (c === Char.CloseBracket) return result;
      if (c !== Char.Comma) {
        this.pos -= 1;
        if (this.pos >= text.length) this.fail('unexpected end of text');
        this.fail('expected "," or "]" in an array');
      }
      this.skipSpace();
    }
  }

  /**
   * Reads a string token. The scan jumps between quotes and backslashes with indexOf (each part
   * of the text is searched once, so it stays linear); escapes are checked here and the token is
   * then decoded by JSON.parse, so only valid escapes reach it. Plain strings are sliced as they are.
   */
  private string(isKey = false): string {
    const { text } = this;
    const start = this.pos;
    let pos = start + 1;
    let quote = text.indexOf('"', pos);
    let backslash = text.indexOf('\\', pos);
    while (backslash >= 0 && (backslash < quote || quote < 0)) {
      const next = text.charCodeAt(backslash + 1);
      if (next === 0x75 /* u */) {
        if (!HEX.test(text.slice(backslash + 2, backslash + 6)))
          this.fail('invalid \\u escape in a string', backslash);
        pos = backslash + 6;
      } else if (SIMPLE_ESCAPES.has(next)) {
        pos = backslash + 2;
      } else {
        this.fail('invalid escape in a string', backslash);
      }
      if (quote >= 0 && quote < pos) quote = text.indexOf('"', pos);
      backslash = text.indexOf('\\', pos);
    }
    if (quote < 0) this.fail('unterminated string', start);
    const token = text.slice(start, quote + 1);
    const control = CONTROL.exec(token);
    if (control) this.fail('control character in a string (escape it)', start + control.index);
    this.pos = quote + 1;
    const escaped = pos > start + 1;
    const value = escaped ? (JSON.parse(token) as string) : token.slice(1, -1);
    // Keys are refused whole for not being ASCII; values must have every surrogate paired.
    if (!isKey && SURROGATE_UNIT.test(token) && LONE_SURROGATE.test(value))
      this.refuse('lone surrogate in string');
    return value;
  }

  private number(): number {
    const { text } = this;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === Char.Minus) pos += 1;
    const first = text.charCodeAt(pos);
    if (first === Char.Zero) pos += 1;
    else if (first >= Char.Zero + 1 && first <= Char.Nine) pos = skipDigits(text, pos);
    else this.fail('expected a digit', pos);
    let integral = true;
    if (text.charCodeAt(pos) === Char.Dot) {
      if (!isDigit(text.charCodeAt(pos + 1))) this.fail('expected a digit after "."', pos + 1);
      pos = skipDigits(text, pos + 1);
      integral = false;
    }
    const e = text.charCodeAt(pos);
    if (e === Char.LowerE || e === Char.UpperE) {
      pos += 1;
      const sign = text.charCodeAt(pos);
      if (sign === Char.Plus || sign === Char.Minus) pos += 1;
      if (!isDigit(text.charCodeAt(pos))) this.fail('expected a digit in the exponent', pos);
      pos = skipDigits(text, pos);
      integral = false;
    }
    this.pos = pos;
    const lexeme = text.slice(start, pos);
    const value = Number(lexeme);
    if (!integral) integral = denotesInteger(lexeme);
    if (Object.is(value, -0)) {
      this.refuse('-0 is not allowed');
    } else if (integral) {
      // Beyond 2^53 JSON.parse rounds: the value signed would not be the one sent.
      if (!Number.isSafeInteger(value)) this.refuse('only safe integers are allowed');
    } else if (!this.allowFractions || Number.isInteger(value) || !Number.isFinite(value)) {
      // A fraction that reads as an integer (1.0000000000000001, 1e-400) would be changed by reading.
      this.refuse('only safe integers are allowed');
    }
    return value;
  }
}

function isDigit(c: number): boolean {
  return c >= Char.Zero && c <= Char.Nine;
}

function skipDigits(text: string, pos: number): number {
  while (isDigit(text.charCodeAt(pos))) pos += 1;
  return pos;
}

/** Whether a number literal with a fraction or exponent denotes an integer exactly (1.50e1 does). */
function denotesInteger(lexeme: string): boolean {
  let end = lexeme.length;
  const e = Math.max(lexeme.indexOf('e'), lexeme.indexOf('E'));
  let exponent = 0;
  if (e >= 0) {
    exponent = Number(lexeme.slice(e + 1));
    end = e;
  }
  const mantissa = lexeme.slice(lexeme.charCodeAt(0) === Char.Minus ? 1 : 0, end);
  const dot = mantissa.indexOf('.');
  const digits = dot >= 0 ? mantissa.slice(0, dot) + mantissa.slice(dot + 1) : mantissa;
  const fractionLength = dot >= 0 ? mantissa.length - dot - 1 : 0;
  let last = digits.length - 1;
  while (last >= 0 && digits.charCodeAt(last) === Char.Zero) last -= 1;
  if (last < 0) return true; // zero
  const trailingZeros = digits.length - 1 - last;
  return exponent - fractionLength + trailingZeros >= 0;
}

function isPlainRecord(value: CanonicalValue): value is Record<string, CanonicalValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
