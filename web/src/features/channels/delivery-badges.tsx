/** Per-party delivery state of an entry: queued, delivered, read or understood. */
import type { Delivery } from '../../lib/api';
import { t, type MessageKey } from './messages';

const LABELS: Record<Delivery[number]['state'], MessageKey> = {
  queued: 'dQueued',
  delivered: 'dDelivered',
  read: 'dRead',
  understood: 'dUnderstood',
};

export function deliveryLabel(state: Delivery[number]['state']): string {
  return t(LABELS[state]);
}

export function DeliveryBadges({ parties }: { parties: Delivery }) {
  return (
    <span class="delivery-badges">
      {parties.map((p) => (
        <span
          key={p.party}
          class={`badge delivery delivery-${p.state}`}
          data-party={p.party}
          data-state={p.state}
        >
          {p.party}: {deliveryLabel(p.state)}
        </span>
      ))}
    </span>
  );
}
