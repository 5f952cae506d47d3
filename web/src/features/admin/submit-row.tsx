/** The administration forms' submit button with the refusal or the confirmation under it. */
import { SubmitOutcome } from '../../lib/components/submit-outcome';
import type { SubmitState } from '../../lib/use-submit';

export function SubmitRow({ submit, label }: { submit: SubmitState; label: string }) {
  return (
    <>
      <button type="submit" class="primary" disabled={submit.busy}>
        {label}
      </button>
      <SubmitOutcome submit={submit} />
    </>
  );
}
