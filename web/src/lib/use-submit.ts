/**
 * The state of a form's or button's action: busy while it runs, then its error or its result.
 * A refusal that names one of the form's own fields (lib/field-errors.ts) is shown on that field
 * (`fieldError`), in the interface's language; `error` is then only what no field claimed.
 * A refusal because the view is out of date (`stale`) can be handed to the screen instead, which
 * reloads and says it where the sentence outlives the controls the reload takes away.
 */
import { useState } from 'preact/hooks';
import { ApiError } from './api';
import { describeError } from './components/status';
import { claimingField, fieldRefusal, type FieldRefusal } from './field-errors';
import { locale } from './i18n';

export interface SubmitState {
  busy: boolean;
  /** The refusal of the last action that none of the form's fields claimed. */
  error: string | null;
  /** What the last successful action said it did, if it said anything. */
  done: string | null;
  run: (action: () => Promise<string | void>) => Promise<void>;
  /** The refusal's sentence if it concerns `field` (one of the fields given to useSubmit). */
  fieldError: (field: string) => string | null;
}

export interface SubmitOptions {
  /**
   * Given a stale refusal (`stale`) in place of `error`, to reload the view and say it there;
   * given null when an action starts again.
   */
  onStale?: (failure: unknown) => void;
}

/**
 * Whether the node refused because the thread is no longer as the view showed it (409
 * `state_conflict`: withdrawn, answered or superseded meanwhile): a reload shows what it is.
 */
export function stale(failure: unknown): boolean {
  return failure instanceof ApiError && failure.status === 409 && failure.code === 'state_conflict';
}

/** Refusals of what was sent; describeError's own words stay for sessions, roles and limits. */
const REFUSAL_STATUSES = new Set([400, 409, 413, 422]);

/**
 * The refusal of a failure, if the node refused it with a `path: rule` message. A 403 is a
 * refusal of a field only where the node said which (a wrong password, field-errors.ts's
 * UNPATHED); any other is a role's, for describeError.
 */
function refusalOf(failure: unknown): FieldRefusal | null {
  if (!(failure instanceof ApiError)) return null;
  if (REFUSAL_STATUSES.has(failure.status)) return fieldRefusal(failure, locale.get());
  if (failure.status !== 403) return null;
  const refusal = fieldRefusal(failure, locale.get());
  return refusal.known && refusal.field !== null ? refusal : null;
}

/**
 * The form-level sentence: a known state refusal in the interface language (it needs no field),
 * otherwise describeError's (which keeps the node's path, naming the field no control shows).
 */
export function formErrorOf(failure: unknown): string {
  const refusal = refusalOf(failure);
  if (refusal?.known && (refusal.field === null || refusal.standalone)) return refusal.sentence;
  return describeError(failure);
}

/**
 * For a form that keeps its own state: the first of `fields` the refusal concerns
 * (field-errors.ts's claimingField), and the sentence to show on it.
 */
export function fieldErrorOf(
  failure: unknown,
  fields: readonly string[],
): { field: string; sentence: string } | null {
  const refusal = refusalOf(failure);
  const field = refusal ? claimingField(refusal.path, fields) : null;
  return refusal && field !== null ? { field, sentence: refusal.sentence } : null;
}

/**
 * `fields`: the form's controls as the request body names them (`text`, `window`, `renderings.ru`);
 * a refusal of one of them is its `fieldError`, not the form's `error`.
 */
export function useSubmit(fields: readonly string[] = [], options: SubmitOptions = {}): SubmitState {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  // Worked out at render, so a change of the interface language re-says it.
  const claimed = failure === null ? null : fieldErrorOf(failure, fields);
  return {
    busy,
    error: failure === null || claimed ? null : formErrorOf(failure),
    done,
    fieldError: (field) => (claimed?.field === field ? claimed.sentence : null),
    async run(action) {
      setBusy(true);
      setFailure(null);
      setDone(null);
      options.onStale?.(null);
      try {
        setDone((await action()) ?? null);
      } catch (caught) {
        if (options.onStale && stale(caught)) options.onStale(caught);
        else setFailure(caught ?? new Error('failed'));
      } finally {
        setBusy(false);
      }
    },
  };
}
