/** Time left until a deadline, ticking every second; past it, OVERDUE and by how much. */
import { formatSpan, useNow } from '../../lib/clock';
import { t } from './messages';
import { formatTime } from '../../lib/i18n';

export function Countdown({ due }: { due: string }) {
  const now = useNow();
  const left = Date.parse(due) - now;
  const overdue = left < 0;
  return (
    <span
      class={`countdown${overdue ? ' overdue' : left < 60_000 ? ' soon' : ''}`}
      data-overdue={String(overdue)}
      title={`${t('due')} ${formatTime(due)}`}
    >
      {overdue ? `${t('overdue')} +${formatSpan(left)}` : `${t('dueIn')} ${formatSpan(left)}`}
    </span>
  );
}
