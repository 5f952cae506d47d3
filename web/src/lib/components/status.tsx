/** Loading, empty and error states, the same on every screen. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { t } from '../messages';

/**
 * A person-readable sentence for a failure, in the interface's language where the failure is
 * one of the common kinds; otherwise the node's own sentence, which names the field and the rule.
 * Never a browser's "Failed to fetch" or a bare error code.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'network') return t('errNodeUnreachable');
    if (error.status === 401 && error.code !== 'invalid_credentials') return t('errUnauthenticated');
    if (error.code === 'forbidden') return `${t('errForbidden')} ${error.message}`;
    if (error.status === 404) return `${t('errNotFound')} ${error.message}`;
    if (error.status === 429) return t('errTooMany');
    if (error.status === 503) return t('errUnavailable');
    if (error.status >= 500) return t('errInternal');
    return error.message;
  }
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
