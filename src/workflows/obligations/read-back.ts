/**
 * Comparing a structured read-back with the notification it reads back (DESIGN.md "Obligations":
 * read-back), pure, so the fold that shows the comparison and the kind rule that refuses to
 * confirm a differing read-back without saying so judge by the same measure.
 */

export interface FieldComparison {
  field: string;
  expected: unknown;
  readBack: unknown;
  match: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Nested fields by dotted name (`area.lat`), so each can be read back on its own. */
function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (!isRecord(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isRecord(inner)) Object.assign(out, flatten(inner, name));
    else out[name] = inner;
  }
  return out;
}

/** Dashes and quotes people type interchangeably ("21–23" and "21-23" read back the same). */
const TYPOGRAPHIC = /[\u2010-\u2015\u2212\u2018\u2019\u201c\u201d]/g;
const PLAIN: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"' };

/**
 * A text as compared with its read-back: ignoring case, spacing and the kind of dash or quote.
 * Shared with the web's word-by-word read-back diff, so it marks no word the node counts as equal.
 */
export function readBackForm(text: string): string {
  return text
    .normalize('NFC')
    .replace(TYPOGRAPHIC, (c) => PLAIN[c] ?? '-')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function normalise(value: unknown): string {
  if (typeof value === 'string') return readBackForm(value);
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Field-by-field comparison of a read-back with the notification's structured fields (nested ones
 * by dotted name, `area.lat`): text is compared ignoring case, spacing and the kind of dash or
 * quote, numbers by value (so
 * "90" reads back 90).
 */
export function compareFields(original: unknown, readBack: Record<string, unknown>): FieldComparison[] {
  const fields = flatten(original);
  const names = [...new Set([...Object.keys(fields), ...Object.keys(readBack)])];
  return names.map((field) => {
    const expected = fields[field];
    const given = readBack[field];
    return {
      field,
      expected: expected ?? null,
      readBack: given ?? null,
      match: expected !== undefined && given !== undefined && normalise(expected) === normalise(given),
    };
  });
}

/**
 * The fields read back with another value than the original's, or that the original lacks (empty
 * when all match). A field not read back at all is shown as missing, but is not a difference.
 */
export function differingFields(original: unknown, readBack: Record<string, unknown>): string[] {
  return compareFields(original, readBack)
    .filter((f) => !f.match && f.readBack !== null)
    .map((f) => f.field);
}
