/**
 * Whether the person signed in may write in the channel on screen, and if not, why, in words.
 * The node refuses a write by an observer, by a person whose office is not a member office of
 * this node's party (canWrite, src/core/policy.ts), or in a channel that is not active; a tab
 * that would only be refused after sending does not offer its write controls, and says why once
 * at its top (ReadOnlyNote). The channel screen computes it (writeAccess) and hands it to its
 * tabs through a context; outside one, writing is offered as before and the node decides.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Channel, Me } from './api';
import { t, type MessageKey } from './messages';
import { canWrite } from './shared';

export type ReadOnlyReason = 'disabled' | 'observer' | 'notMember' | 'notActive';

export type WriteAccess = { mayWrite: true } | { mayWrite: false; reason: ReadOnlyReason; channel: Channel };

const STATE_WORDS: Record<Channel['state'], MessageKey> = {
  proposed: 'stateProposed',
  active: 'stateActive',
  suspended: 'stateSuspended',
  closed: 'stateClosed',
};

/** May `me` write ordinary entries in `channel`, as the node would decide; if not, why. */
export function writeAccess(me: Me, channel: Channel): WriteAccess {
  const person = me.principal;
  if (!canWrite(person, channel, me.node.party)) {
    const reason: ReadOnlyReason = person.disabled
      ? 'disabled'
      : person.role === 'observer'
        ? 'observer'
        : 'notMember';
    return { mayWrite: false, reason, channel };
  }
  if (channel.state !== 'active') return { mayWrite: false, reason: 'notActive', channel };
  return { mayWrite: true };
}

const REASON_WORDS: Record<ReadOnlyReason, MessageKey> = {
  disabled: 'readOnlyDisabled',
  observer: 'readOnlyObserver',
  notMember: 'readOnlyNotMember',
  notActive: 'readOnlyNotActive',
};

/** The sentence saying why writing is not offered (for a channel not active, in which state it is). */
export function readOnlyReason(access: Extract<WriteAccess, { mayWrite: false }>): string {
  const words = t(REASON_WORDS[access.reason]);
  return access.reason === 'notActive' ? `${words} (${t(STATE_WORDS[access.channel.state])}).` : words;
}

export const WriteAccessContext = createContext<WriteAccess>({ mayWrite: true });

/** The write access the channel screen gave its tabs. */
export function useWriteAccess(): WriteAccess {
  return useContext(WriteAccessContext);
}

/** True when the tab may offer its write controls. */
export function useMayWrite(): boolean {
  return useWriteAccess().mayWrite;
}

/** Once at the top of a tab: why its write controls are not offered; nothing when they are. */
export function ReadOnlyNote() {
  const access = useWriteAccess();
  if (access.mayWrite) return null;
  return (
    <p class="muted read-only-note" role="note" data-reason={access.reason}>
      {readOnlyReason(access)}
    </p>
  );
}
