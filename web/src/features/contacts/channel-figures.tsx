/**
 * Each channel's figures as the node computes them (GET …/metrics, the last four weeks): contacts,
 * the last contact, response times by precedence and open items, one row per channel.
 */
import { api, request, type Response } from '../../lib/api';
import { PRECEDENCE_ORDER } from './cadence-stats';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatAmount, formatSpan } from '../../lib/durations';
import { formatTime, locale } from '../../lib/i18n';
import { t } from './messages';
import { useSignal } from '../../lib/signal';
import { useAsync } from '../../lib/use-async';
import { FiguresTable } from './figures-table';

type Metrics = Response<'GET /api/v1/channels/{channel}/metrics'>;

async function loadFigures(): Promise<Metrics[]> {
  const channels = (await api.channels()).filter((c) => c.state !== 'proposed');
  return Promise.all(
    channels.map((c) =>
      request('GET /api/v1/channels/{channel}/metrics', { path: { channel: c.id }, query: { weeks: 4 } }),
    ),
  );
}

export function ChannelFigures() {
  useSignal(locale);
  const data = useAsync(loadFigures, []);
  return (
    <section aria-labelledby="figures-title" class="channel-figures">
      <h2 id="figures-title">{t('figuresTitle')}</h2>
      <p class="muted small">{t('figuresHint')}</p>
      {data.error ? <ErrorBox error={data.error} onRetry={data.reload} /> : null}
      {!data.data && data.loading && <Loading />}
      {data.data && data.data.length === 0 && <EmptyState>{t('noData')}</EmptyState>}
      {data.data && data.data.length > 0 && (
        <FiguresTable
          columns={[
            t('channelLabel'),
            t('contactsLast4'),
            t('lastContact'),
            ...PRECEDENCE_ORDER.map((p) => (
              <>
                {p}: {t('responseMedianP90')}
              </>
            )),
            t('openItems'),
          ]}
        >
          {data.data.map((m) => (
            <tr key={m.channel} data-metrics={m.channel}>
              <th scope="row">{m.channel}</th>
              <td class="contacts-4w">{m.contactsPerWeek.reduce((n, w) => n + w.contacts, 0)}</td>
              <td>{m.lastContact ? formatTime(m.lastContact) : t('never')}</td>
              {m.responseTimes.map((r) => (
                <td key={r.precedence} data-precedence={r.precedence}>
                  {minutes(r.medianMs)} / {minutes(r.p90Ms)}{' '}
                  <span class="muted small">
                    ({r.answered}/{r.items})
                  </span>
                </td>
              ))}
              <td class="open-items">
                {m.open.total}
                {m.open.overdue > 0 && (
                  <span class="overdue-text">
                    {' '}
                    ({m.open.overdue} {t('overdueShort')})
                  </span>
                )}
              </td>
            </tr>
          ))}
        </FiguresTable>
      )}
    </section>
  );
}

/** A duration for a figure: seconds under a minute, else as a span (`—` when there is none). */
export function minutes(ms: number | null): string {
  if (ms === null) return '—';
  const lang = locale.get();
  return ms < 60_000 ? formatAmount(ms / 1000, 'second', lang) : formatSpan(ms, lang);
}
