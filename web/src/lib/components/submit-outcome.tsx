/**
 * What came of a form's or button's action (lib/use-submit.ts), shown the same way on every
 * screen: the refusal as an alert, or what the action said it did as a polite status message.
 */
import type { SubmitState } from '../use-submit';
import { FormError } from './field';

/** What the last successful action said it did; nothing until it has said something. */
export function DoneNote({ message }: { message: string | null }) {
  return message ? (
    <span class="ok-text" role="status">
      {message}
    </span>
  ) : null;
}

/** The refusal of the action, or what it did. */
export function SubmitOutcome({ submit }: { submit: SubmitState }) {
  return (
    <>
      <FormError message={submit.error} />
      <DoneNote message={submit.done} />
    </>
  );
}
