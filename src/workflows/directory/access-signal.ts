/**
 * An in-process signal that someone's access ended (logout, revoked token, disabled account,
 * changed password), so long-lived requests such as the live stream (SSE) end at once instead of
 * delivering to a session that no longer exists. Keyed by storage, like the token cache, so two
 * nodes in one process do not hear each other. Another process sharing the database is covered
 * by the stream's periodic re-check.
 */

export type AccessEnded =
  /**
   * A principal's sessions except the one with `keepSessionHash`, and (unless `sessionsOnly`, as
   * for a password change) their tokens.
   */
  | { principal: string; keepSessionHash?: string; sessionsOnly?: boolean }
  /** One session. */
  | { sessionHash: string }
  /** One API token. */
  | { tokenHash: string };

/** Whether `event` ends the access of a request authenticated as described. */
export function endsAccess(
  event: AccessEnded,
  access: { principal: string; sessionHash?: string; tokenHash?: string },
): boolean {
  if ('sessionHash' in event) return event.sessionHash === access.sessionHash;
  if ('tokenHash' in event) return event.tokenHash === access.tokenHash;
  if (event.principal !== access.principal) return false;
  if (access.sessionHash !== undefined) return access.sessionHash !== event.keepSessionHash;
  return !event.sessionsOnly;
}

type Listener = (event: AccessEnded) => void;

const listeners = new WeakMap<object, Set<Listener>>();

/** Calls `listener` for each announcement on `storage`; returns the unsubscribe function. */
export function onAccessEnded(storage: object, listener: Listener): () => void {
  let set = listeners.get(storage);
  if (!set) listeners.set(storage, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

export function announceAccessEnded(storage: object, event: AccessEnded): void {
  for (const listener of [...(listeners.get(storage) ?? [])]) listener(event);
}
