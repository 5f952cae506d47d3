/**
 * Per-party delivery state of an entry: queued, delivered, read or understood. "Understood" with
 * a read-back whose fields differ from the original is shown as such, never as plainly
 * understood (issue 15).
 */
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
      {parties.map((p) => {
        const differs = p.state === 'understood' && p.readBackDiffers.length > 0;
        return (
          <span
            key={p.party}
            class={`badge delivery delivery-${differs ? 'differs' : p.state}`}
            data-party={p.party}
            data-state={p.state}
            data-differs={differs ? p.readBackDiffers.join(',') : undefined}
          >
            {p.party}: {deliveryLabel(p.state)}
            {differs && ` — ${t('dDiffers')}: ${p.readBackDiffers.join(', ')}`}
          </span>
        );
      })}
    </span>
  );
}
