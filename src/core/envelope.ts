/**
 * The fields of an entry's signed object (DESIGN.md "The log"; docs/FORMAT.md): every one is
 * required but `marking`, which only TEST and EXERCISE traffic carries. Pure and import-free, so
 * the web app's own verifier uses the same list (web/src/lib/shared.ts).
 */
export const ENVELOPE_FIELDS = [
  'v',
  'channel',
  'party',
  'seq',
  'prev',
  'seen',
  'hlc',
  'kind',
  'precedence',
  'lang',
  'marking',
  'body',
  'author',
  'authorKey',
] as const;
