/**
 * A channel's clarification requests: the quoted passage, the question, the time left, and the
 * answer; the party that sent the item answers here (if the person may write in the channel).
 */
import { useState } from 'preact/hooks';
import { api, splitId, type Channel, type Me } from '../../lib/api';
import { ClarificationItem } from './item-panel';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { entryRoute, onLinkClick, routePath } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { ReadOnlyNote, useMayWrite } from '../../lib/write-access';

export function ClarificationsView({ channel, me, version }: { channel: Channel; me: Me; version: number }) {
  const [all, setAll] = useState(false);
  const mayWrite = useMayWrite();
  const list = useAsync(
    () => api.clarifications(channel.id, all ? 'all' : 'open'),
    [channel.id, all, version],
  );
  return (
    <section class="clarifications" aria-labelledby="clarifications-title">
      <div class="section-head">
        <h2 id="clarifications-title">{all ? t('clarificationsAll') : t('clarificationsOpen')}</h2>
        <label class="checkbox">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} />{' '}
          {t('showAnswered')}
        </label>
      </div>
      <ReadOnlyNote />
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.clarifications.length === 0 && (
        <EmptyState>{t('clarificationsNone')}</EmptyState>
      )}
      {list.data && list.data.clarifications.length > 0 && (
        <ul class="clarification-list plain-list cards">
          {list.data.clarifications.map((c) => {
            const route = entryRoute(c.item);
            return (
              <ClarificationItem
                key={c.id}
                channel={channel}
                clarification={c}
                canAnswer={mayWrite && splitId(c.item)[1] === me.node.party}
                onAnswered={list.reload}
                header={
                  <p class="small">
                    {t('about')}{' '}
                    <a href={routePath(route)} onClick={(e) => onLinkClick(e, route)} class="mono">
                      {c.item}
                    </a>
                  </p>
                }
              />
            );
          })}
        </ul>
      )}
    </section>
  );
}
