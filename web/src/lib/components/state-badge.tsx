/** A channel's state: proposed, active, suspended or closed. */
import type { Channel } from '../api';
import { t, type MessageKey } from '../messages';

const LABELS: Record<Channel['state'], MessageKey> = {
  proposed: 'stateProposed',
  active: 'stateActive',
  suspended: 'stateSuspended',
  closed: 'stateClosed',
};

export function StateBadge({ state }: { state: Channel['state'] }) {
  return <span class={`badge state state-${state}`}>{t(LABELS[state])}</span>;
}
