/** Loading, empty and error states, the same on every screen. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { t } from '../messages';

/** A person-readable sentence for a failure, with the node's error code when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError)
    return error.code === 'network' ? error.message : `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export function Loading({ label }: { label?: string }) {
  return (
    <p class="status loading" role="status">
      {label ?? t('loading')}
    </p>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="status error" role="alert">
      <strong>{t('errorTitle')}:</strong> <span class="error-text">{describeError(error)}</span>
      {onRetry && (
        <button type="button" class="secondary" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children }: { children: ComponentChildren }) {
  return <p class="status empty">{children}</p>;
}
