/** The state of a form's or button's action: busy while it runs, then its error or its result. */
import { useState } from 'preact/hooks';
import { describeError } from './components/status';

export interface SubmitState {
  busy: boolean;
  error: string | null;
  /** What the last successful action said it did, if it said anything. */
  done: string | null;
  run: (action: () => Promise<string | void>) => Promise<void>;
}

export function useSubmit(): SubmitState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return {
    busy,
    error,
    done,
    async run(action) {
      setBusy(true);
      setError(null);
      setDone(null);
      try {
        setDone((await action()) ?? null);
      } catch (failure) {
        setError(describeError(failure));
      } finally {
        setBusy(false);
      }
    },
  };
}
