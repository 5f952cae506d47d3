/**
 * What an operator watches: the link to each peer's node (up, degraded or down since when, round
 * trip, last link test) with the history of link tests drawn as a chart, alerts (equivocation
 * and fork evidence), and each channel's signed checkpoints with the witnesses' cosignatures.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Channel, type Peer } from '../../lib/api';
import { SelectField } from '../../lib/components/field';
import { LinkBadge } from '../../lib/components/link-badge';
import { RttChart } from './rtt-chart';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { formatTime, locale } from '../../lib/i18n';
import { formatAmount } from '../../lib/durations';
import { useAsync } from '../../lib/use-async';
import { TableWrap } from '../../lib/components/table-wrap';

const REFRESH_MS = 10_000;

export function PeersScreen() {
  const peers = useAsync(() => api.peers(), []);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    const timer = setInterval(peers.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [peers.reload]);
  const shown = selected ?? peers.data?.[0]?.party ?? null;

  return (
    <div class="peers-screen">
      <section aria-labelledby="peers-title">
        <h1 id="peers-title">{t('peersTitle')}</h1>
        {peers.error ? <ErrorBox error={peers.error} onRetry={peers.reload} /> : null}
        {!peers.data && peers.loading && <Loading />}
        {peers.data && peers.data.length === 0 && <EmptyState>{t('peersEmpty')}</EmptyState>}
        {peers.data && peers.data.length > 0 && (
          <TableWrap>
            <table class="peers-table">
              <thead>
                <tr>
                  <th scope="col">{t('colPeer')}</th>
                  <th scope="col">{t('colLink')}</th>
                  <th scope="col">{t('colRtt')}</th>
                  <th scope="col">{t('colLastTest')}</th>
                  <th scope="col">{t('colTraffic')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('history')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {peers.data.map((peer) => (
                  <PeerRow
                    key={peer.party}
                    peer={peer}
                    selected={peer.party === shown}
                    onSelect={() => setSelected(peer.party)}
                  />
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {shown && <LinkHistory party={shown} />}
      </section>
      <Alerts />
      <CheckpointsSection />
    </div>
  );
}

function PeerRow({ peer, selected, onSelect }: { peer: Peer; selected: boolean; onSelect: () => void }) {
  return (
    <tr data-peer={peer.party} class={selected ? 'selected' : undefined}>
      <th scope="row">
        {peer.party} <span class="muted">{peer.name}</span>
        <div class="muted mono small">{peer.url}</div>
      </th>
      <td>
        <LinkBadge peer={peer} />
        <div class="muted small">
          {t('colSince')} {peer.since > 0 ? formatTime(peer.since) : '—'}
        </div>
        {peer.lastError && <div class="bad-text small">{peer.lastError}</div>}
      </td>
      <td>{peer.rttMs === null ? '—' : formatAmount(peer.rttMs, 'millisecond', locale.get())}</td>
      <td>
        {peer.lastLinkTest
          ? `${formatTime(peer.lastLinkTest.at)} · ${peer.lastLinkTest.ok ? t('ok') : t('failed')}`
          : '—'}
      </td>
      <td>
        {peer.pushed} / {peer.pulled}
      </td>
      <td>
        <button
          type="button"
          class="secondary"
          onClick={onSelect}
          aria-pressed={selected}
          aria-label={`${t('history')}: ${peer.party}`}
        >
          {t('history')}
        </button>
      </td>
    </tr>
  );
}

function LinkHistory({ party }: { party: string }) {
  const tests = useAsync(() => api.linkTests(party, 200), [party]);
  return (
    <section aria-labelledby="history-title" class="card">
      <h2 id="history-title">
        {t('linkHistory')}: {party}
      </h2>
      {tests.error ? <ErrorBox error={tests.error} onRetry={tests.reload} /> : null}
      {!tests.data && tests.loading && <Loading />}
      {tests.data && tests.data.tests.length === 0 && <EmptyState>{t('linkHistoryEmpty')}</EmptyState>}
      {tests.data && tests.data.tests.length > 0 && (
        <>
          <RttChart tests={tests.data.tests} label={`${t('rttChart')} — ${party}`} />
          <ul class="test-list">
            {tests.data.tests.slice(0, 5).map((test) => (
              <li key={test.at}>
                {formatTime(test.at)} · {test.ok ? t('ok') : t('failed')}
                {test.rttMs !== null && ` · ${formatAmount(test.rttMs, 'millisecond', locale.get())}`}
                {test.error && <span class="bad-text"> · {test.error}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Alerts() {
  const alerts = useAsync(() => api.alerts(), []);
  const data = alerts.data;
  const count = data ? data.equivocations.length + data.forks.length : 0;
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('alertsTitle')}</h2>
      {alerts.error ? <ErrorBox error={alerts.error} onRetry={alerts.reload} /> : null}
      {!data && alerts.loading && <Loading />}
      {data && count === 0 && <EmptyState>✓ {t('alertsEmpty')}</EmptyState>}
      {data && count > 0 && (
        <ul class="alerts" role="list">
          {data.equivocations.map((e) => (
            <li key={`${e.channel}/${e.party}/${e.at}`} class="alert card" role="alert">
              <strong>
                {t('equivocation')}: {e.channel}/{e.party}
              </strong>{' '}
              — {e.detail} ({t('reportedBy')} {e.reportedBy}, {formatTime(e.at)})
              <pre class="note">{e.noteA}</pre>
              <pre class="note">{e.noteB}</pre>
            </li>
          ))}
          {data.forks.map((f) => (
            <li key={`${f.channel}/${f.party}/${f.seq}`} class="alert card" role="alert">
              <strong>
                {t('fork')}: {f.channel}/{f.party}/{f.seq}
              </strong>{' '}
              ({t('reportedBy')} {f.reportedBy}, {formatTime(f.at)})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CheckpointsSection() {
  const channels = useAsync(() => api.channels(), []);
  const [channel, setChannel] = useState<string>('');
  const list: Channel[] = channels.data ?? [];
  const current = channel || list[0]?.id || '';
  return (
    <section aria-labelledby="checkpoints-title">
      <h2 id="checkpoints-title">{t('checkpointsTitle')}</h2>
      {channels.error ? <ErrorBox error={channels.error} onRetry={channels.reload} /> : null}
      {!channels.data && channels.loading && <Loading />}
      {channels.data && list.length === 0 && <EmptyState>{t('channelsEmpty')}</EmptyState>}
      {list.length > 0 && (
        <>
          <SelectField
            id="checkpoints-channel"
            label={t('checkpointsChannel')}
            value={current}
            onChange={setChannel}
            options={list.map((c) => ({ value: c.id, label: `${c.name} (${c.id})` }))}
          />
          <Checkpoints key={current} channel={current} />
        </>
      )}
    </section>
  );
}

function Checkpoints({ channel }: { channel: string }) {
  const result = useAsync(() => api.checkpoints(channel), [channel]);
  if (result.error) return <ErrorBox error={result.error} onRetry={result.reload} />;
  if (!result.data) return <Loading />;
  if (result.data.chains.length === 0) return <EmptyState>{t('checkpointsEmpty')}</EmptyState>;
  return (
    <ul class="checkpoints">
      {result.data.chains.map((chain) => (
        <li key={chain.party} class="card" data-chain={chain.party}>
          <h3>
            {chain.party} · {t('chainSize')} {chain.size}
          </h3>
          <pre class="note">{chain.checkpoint}</pre>
          <h4>{t('cosignatures')}</h4>
          {chain.cosignatures.length === 0 ? (
            <p class="muted">{t('noCosignatures')}</p>
          ) : (
            <ul>
              {chain.cosignatures.map((c) => (
                <li key={`${c.witness}/${c.size}`}>
                  <strong>{c.witness}</strong> · {t('chainSize')} {c.size}
                  <pre class="note">{c.note}</pre>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
