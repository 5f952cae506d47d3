/**
 * Validation failures in plain words: what a field must be, in a sentence a duty officer can act
 * on ("text: must not be empty"), never the validator's own text ("Too small: expected string to
 * have >=1 characters"). Messages that a schema wrote itself (a pattern's explanation) are kept.
 * Pure: the HTTP edge and the kind registry both use it (issue "plain words everywhere").
 */

/** The parts of a validation issue (zod's shape) that say what went wrong. */
export interface ValidationIssue {
  code: string;
  message?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  expected?: string;
  input?: unknown;
  values?: readonly unknown[];
  keys?: readonly string[];
  format?: string;
}

const UNITS: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};

function count(n: number | bigint, origin: string | undefined): string {
  const unit = UNITS[origin ?? ''];
  if (!unit) return String(n);
  return `${String(n)} ${Number(n) === 1 ? unit[0] : unit[1]}`;
}

/** The validator's own wording, as opposed to a message a schema gave for its rule. */
function isValidatorText(message: string | undefined): boolean {
  return (
    message === undefined ||
    /^(Invalid|Too (small|big)|Unrecognized key|Expected|Required|Number must|String must)/.test(message)
  );
}

export function plainIssue(issue: ValidationIssue): string {
  // A schema's own words for its rule ("must give a reason") are already plain.
  if (!isValidatorText(issue.message) && issue.code !== 'unrecognized_keys') return issue.message!;
  switch (issue.code) {
    case 'too_small': {
      const min = issue.minimum ?? 0;
      if (
        (issue.origin === 'string' || issue.origin === 'array') &&
        Number(min) === 1 &&
        issue.inclusive !== false
      )
        return 'must not be empty';
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set')
        return `must have at least ${count(min, issue.origin)}`;
      return issue.inclusive === false
        ? `must be more than ${String(min)}`
        : `must be at least ${String(min)}`;
    }
    case 'too_big': {
      const max = issue.maximum ?? 0;
      if (
        issue.origin === 'string' ||
        issue.origin === 'array' ||
        issue.origin === 'set' ||
        issue.origin === 'file'
      )
        return `must have at most ${count(max, issue.origin)}`;
      return issue.inclusive === false
        ? `must be less than ${String(max)}`
        : `must be at most ${String(max)}`;
    }
    case 'invalid_type':
      // zod leaves the input out of issues; its message still says what was received.
      if (issue.input === undefined && (issue.message ?? '').endsWith('received undefined'))
        return 'is required';
      if (issue.expected === 'int') return 'must be a whole number';
      return issue.expected ? `must be ${article(issue.expected)}` : 'has the wrong type';
    case 'invalid_value':
      return issue.values && issue.values.length > 0
        ? issue.values.length === 1
          ? `must be ${JSON.stringify(issue.values[0])}`
          : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : 'has a value that is not allowed';
    case 'unrecognized_keys':
      return issue.keys && issue.keys.length > 0
        ? `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`
        : 'has unknown fields';
    case 'invalid_union':
      return isValidatorText(issue.message) ? 'does not match any of the allowed forms' : issue.message!;
    case 'invalid_format':
      if (!isValidatorText(issue.message)) return issue.message!;
      return issue.format && issue.format !== 'regex'
        ? `must be a valid ${issue.format}`
        : 'has the wrong format';
    case 'not_multiple_of':
      return 'has a value that is not allowed';
    default:
      return isValidatorText(issue.message) ? 'is not valid' : issue.message!;
  }
}

function article(type: string): string {
  switch (type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return `a ${type}`;
  }
}
