/** One thing owed: what, about which item, by whom to whom, and the time left; opens the item. */
import type { Obligation } from '../../lib/api';
import { t, type MessageKey } from './messages';
import { entryRoute, onLinkClick, routePath } from '../../lib/router';
import { Countdown } from './countdown';
import { PrecedenceBadge } from '../../lib/components/precedence-badge';
import { kindLabel } from '../../lib/kind-label';

const TYPES: Record<Obligation['type'], MessageKey> = {
  delivery: 'obDelivery',
  response: 'obResponse',
  'readback-confirmation': 'obReadback',
  clarification: 'obClarification',
  'invitation-answer': 'obInvitation',
  'briefing-answer': 'obBriefing',
  'commitment-lapse': 'obLapse',
};

export function obligationLabel(type: Obligation['type']): string {
  return t(TYPES[type]);
}

export function ObligationRow({ obligation }: { obligation: Obligation }) {
  const route = entryRoute(obligation.item.id);
  const o = obligation;
  return (
    <li class={`obligation card${o.overdue ? ' is-overdue' : ''}`} data-item={o.item.id} data-type={o.type}>
      <a
        class="obligation-link"
        href={routePath(route)}
        onClick={(e) => onLinkClick(e, route)}
        aria-label={`${obligationLabel(o.type)}: ${o.item.precedence} ${o.item.id}, ${o.owedBy} → ${o.owedTo}`}
      >
        <span class="obligation-head">
          <PrecedenceBadge precedence={o.item.precedence} />
          {o.item.marking && (
            <span class={`badge marking-${o.item.marking.toLowerCase()}`}>{o.item.marking}</span>
          )}
          <strong>{obligationLabel(o.type)}</strong>
          <span class="mono">{o.item.id}</span>
        </span>
        <span class="obligation-facts">
          <span>
            {o.owedBy} → {o.owedTo}
          </span>
          <span class="muted">
            {kindLabel(o.item.kind)} · {o.item.author}
          </span>
          {o.about.id !== o.item.id && <span class="muted mono">{o.about.id}</span>}
          {o.note && <span class="muted">{o.note}</span>}
        </span>
        {(o.subject || o.excerpt) && (
          <span class="obligation-about">
            {o.subject && <strong class="obligation-subject">{o.subject}</strong>}
            {o.excerpt && <span class="obligation-excerpt">{o.excerpt}</span>}
          </span>
        )}
        <Countdown due={o.due} />
      </a>
    </li>
  );
}
