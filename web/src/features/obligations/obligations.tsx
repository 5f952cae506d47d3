/**
 * What I owe and what I am owed, across my channels, soonest deadline first, each with a live
 * countdown (OVERDUE once past); a row opens the item in its channel.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Obligation } from '../../lib/api';
import { ObligationRow } from './obligation-row';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { useAsync, type AsyncState } from '../../lib/use-async';

const REFRESH_MS = 5_000;

export function ObligationsScreen() {
  const owing = useAsync(() => api.obligations('owing'), []);
  const owed = useAsync(() => api.obligations('owed'), []);
  useEffect(() => {
    const timer = setInterval(() => {
      owing.reload();
      owed.reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [owing.reload, owed.reload]);
  const [narrow, setNarrow] = useState<'owing' | 'owed'>('owing');

  return (
    <section aria-labelledby="obligations-title" class="obligations-screen">
      <h1 id="obligations-title">{t('obligationsTitle')}</h1>
      <p class="muted">{t('obligationsIntro')}</p>
      <div class="segmented" role="tablist" aria-label={t('obligationsTitle')}>
        {(['owing', 'owed'] as const).map((d) => (
          <button
            key={d}
            type="button"
            role="tab"
            aria-selected={narrow === d}
            class={narrow === d ? 'primary' : 'secondary'}
            onClick={() => setNarrow(d)}
          >
            {d === 'owing' ? t('iOwe') : t('iAmOwed')} (
            {(d === 'owing' ? owing : owed).data?.obligations.length ?? '…'})
          </button>
        ))}
      </div>
      <div class={`obligation-columns show-${narrow}`}>
        <ObligationList id="owing" title={t('iOwe')} empty={t('oweNothing')} state={owing} />
        <ObligationList id="owed" title={t('iAmOwed')} empty={t('owedNothing')} state={owed} />
      </div>
    </section>
  );
}

function ObligationList(props: {
  id: 'owing' | 'owed';
  title: string;
  empty: string;
  state: AsyncState<{ obligations: Obligation[] }>;
}) {
  const { data, error, loading, reload } = props.state;
  return (
    <section class={`obligation-column column-${props.id}`} aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {!data && loading && <Loading />}
      {data && data.obligations.length === 0 && <EmptyState>{props.empty}</EmptyState>}
      {data && data.obligations.length > 0 && (
        <ul class="obligation-list" aria-label={props.title} data-direction={props.id}>
          {data.obligations.map((o) => (
            <ObligationRow key={`${o.type}/${o.about.id}/${o.owedBy}`} obligation={o} />
          ))}
        </ul>
      )}
    </section>
  );
}
