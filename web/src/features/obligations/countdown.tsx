/** Time left until a deadline, ticking every second; past it, OVERDUE and by how much. */
import { useNow } from '../../lib/clock';
import { formatSpan } from '../../lib/durations';
import { t } from './messages';
import { formatTime, locale } from '../../lib/i18n';

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
      {overdue
        ? `${t('overdue')} +${formatSpan(left, locale.get())}`
        : `${t('dueIn')} ${formatSpan(left, locale.get())}`}
    </span>
  );
}
