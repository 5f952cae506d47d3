/** One row of the timeline: precedence, marking, who and when, the words as written, delivery. */
import type { Delivery, Entry } from '../../lib/api';
import { formatHlc } from '../../lib/i18n';
import { DeliveryBadges } from './delivery-badges';
import { MarkingBanner } from './marking-banner';
import { PrecedenceBadge } from '../../lib/components/precedence-badge';
import { summarizeEntry } from './entry-summary';

export function EntryRow(props: {
  entry: Entry;
  delivery: Delivery | null;
  /** Newer than what the reader had seen when the channel was opened. */
  unread?: boolean;
  /** The first row already seen, under the new ones: carries the "new since you last looked" line. */
  seenLine?: string | null;
}) {
  const { entry, delivery } = props;
  const summary = summarizeEntry(entry);
  return (
    <div
      class={`entry-row kind-${entry.kind} party-${entry.party}${entry.marking ? ' marked' : ''}${props.unread ? ' is-new' : ''}${props.seenLine ? ' first-seen' : ''}`}
      data-seen-line={props.seenLine ?? undefined}
      data-entry={entry.id}
      data-precedence={entry.precedence}
    >
      <div class="entry-meta">
        <PrecedenceBadge precedence={entry.precedence} />
        {entry.marking && <MarkingBanner marking={entry.marking} compact />}
        <span class="entry-ref mono">
          {entry.party}/{entry.seq}
        </span>
        <span class="entry-author">{entry.author}</span>
        <span class="entry-time">{formatHlc(entry.hlc)}</span>
        {delivery && <DeliveryBadges parties={delivery} />}
      </div>
      <div class="entry-text">
        {summary.subject && (
          <strong class="entry-subject" lang={entry.kind === 'note' ? entry.lang : undefined}>
            {summary.subject}{' '}
          </strong>
        )}
        <span lang={summary.authored ? entry.lang : undefined}>{summary.text}</span>
      </div>
    </div>
  );
}
