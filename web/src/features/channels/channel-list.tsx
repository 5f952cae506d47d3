/**
 * Channels this person may read: parties, state (with a pending change: who, why, who is still
 * to agree), the health of the links to the other parties' nodes, and how many entries await
 * this person's receipt.
 */
import { useEffect } from 'preact/hooks';
import { api, type Channel, type ChannelStatus, type Me, type Obligation, type Peer } from '../../lib/api';
import { LinkBadge } from '../../lib/components/link-badge';
import { StateBadge } from '../../lib/components/state-badge';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { formatTime } from '../../lib/i18n';
import { onLinkClick, routePath } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { contactsApi, type Commitment } from '../contacts';
import { alerts, arrivals, precedenceName } from '../alerts';
import { useSignal } from '../../lib/signal';

const REFRESH_MS = 15_000;
const ARRIVAL_DEBOUNCE_MS = 250;

interface Overview {
  channels: Channel[];
  states: Map<string, ChannelStatus>;
  peers: Map<string, Peer>;
  inbox: Map<string, number>;
}

type Counts = Map<string, { count: number; overdue: number }>;

/** Obligations per channel, loaded after the cards (a long channel takes a while to reckon). */
async function loadCounts(): Promise<{ owing: Counts; owed: Counts; cadence: Map<string, Commitment[]> }> {
  const [owing, owed, commitments] = await Promise.all([
    api.obligations('owing'),
    api.obligations('owed'),
    contactsApi.commitments(),
  ]);
  const cadence = new Map<string, Commitment[]>();
  for (const c of commitments.commitments) cadence.set(c.channel, [...(cadence.get(c.channel) ?? []), c]);
  return { owing: countByChannel(owing.obligations), owed: countByChannel(owed.obligations), cadence };
}

function countByChannel(list: Obligation[]): Counts {
  const out = new Map<string, { count: number; overdue: number }>();
  for (const o of list) {
    const c = out.get(o.channel) ?? { count: 0, overdue: 0 };
    c.count += 1;
    if (o.overdue) c.overdue += 1;
    out.set(o.channel, c);
  }
  return out;
}

async function loadOverview(): Promise<Overview> {
  const [channels, peers, inbox] = await Promise.all([api.channels(), api.peers(), api.inbox(1000)]);
  const states = await Promise.all(
    channels.map(async (c) => [c.id, await api.channelState(c.id).catch(() => null)] as const),
  );
  const counts = new Map<string, number>();
  for (const entry of inbox.entries) counts.set(entry.channel, (counts.get(entry.channel) ?? 0) + 1);
  return {
    channels,
    states: new Map(states.filter((s): s is [string, ChannelStatus] => s[1] !== null)),
    peers: new Map(peers.map((p) => [p.party, p])),
    inbox: counts,
  };
}

export function ChannelListScreen({ me }: { me: Me }) {
  const overview = useAsync(loadOverview, []);
  // Asked once the cards are shown, so reckoning long channels does not delay them.
  const shown = overview.data !== undefined;
  const counts = useAsync(() => (shown ? loadCounts() : Promise.resolve(undefined)), [shown]);
  useEffect(() => {
    const reload = (): void => {
      overview.reload();
      counts.reload();
    };
    // Entries change the cards at once (the node-wide stream); link health is polled, being no entry.
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stop = arrivals.subscribe(() => {
      clearTimeout(pending);
      pending = setTimeout(reload, ARRIVAL_DEBOUNCE_MS);
    });
    const timer = setInterval(reload, REFRESH_MS);
    return () => {
      stop();
      clearTimeout(pending);
      clearInterval(timer);
    };
  }, [overview.reload, counts.reload]);

  return (
    <section aria-labelledby="channels-title">
      <h1 id="channels-title">{t('channelsTitle')}</h1>
      {overview.error ? <ErrorBox error={overview.error} onRetry={overview.reload} /> : null}
      {!overview.data && overview.loading && <Loading />}
      {overview.data && overview.data.channels.length === 0 && <EmptyState>{t('channelsEmpty')}</EmptyState>}
      {overview.data && overview.data.channels.length > 0 && (
        <ul class="channel-list" aria-label={t('channelsTitle')}>
          {overview.data.channels.map((channel) => (
            <ChannelCard
              key={channel.id}
              channel={channel}
              overview={overview.data!}
              counts={counts.data}
              me={me}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ChannelCard(props: {
  channel: Channel;
  overview: Overview;
  counts: { owing: Counts; owed: Counts; cadence: Map<string, Commitment[]> } | undefined;
  me: Me;
}) {
  const { channel, overview, me, counts } = props;
  const status = overview.states.get(channel.id);
  const state = status?.state ?? channel.state;
  const parties = Object.keys(channel.parties);
  const observerParties = Object.keys(channel.observers);
  const others = [...new Set([...parties, ...observerParties])].filter((p) => p !== me.node.party);
  const unread = overview.inbox.get(channel.id) ?? 0;
  const urgent = useSignal(alerts).filter((a) => a.channel === channel.id);
  const flash = urgent.filter((a) => a.precedence === 'FLASH').length;
  const route = { screen: 'timeline', channel: channel.id } as const;
  const obligationsRoute = { screen: 'obligations' } as const;
  const owing = counts?.owing.get(channel.id) ?? { count: 0, overdue: 0 };
  const owed = counts?.owed.get(channel.id) ?? { count: 0, overdue: 0 };
  return (
    <li class="card channel-card" data-channel={channel.id}>
      <div class="channel-head">
        <h2>
          <a href={routePath(route)} onClick={(e) => onLinkClick(e, route)}>
            {channel.name}
          </a>{' '}
          <span class="muted mono">{channel.id}</span>
        </h2>
        <StateBadge state={state} />
        {flash > 0 && (
          <span class="badge precedence precedence-flash" data-urgent="FLASH">
            {flash} {precedenceName('FLASH')}
          </span>
        )}
        {urgent.length - flash > 0 && (
          <span class="badge precedence precedence-immediate" data-urgent="IMMEDIATE">
            {urgent.length - flash} {precedenceName('IMMEDIATE')}
          </span>
        )}
        {unread > 0 && (
          <span class="badge unread" aria-label={`${unread} ${t('colInbox')}`}>
            {unread} {t('unread')}
          </span>
        )}
      </div>
      <dl class="facts">
        <div>
          <dt>{t('colParties')}</dt>
          <dd>
            {parties.map((p) => `${p} (${channel.parties[p]!.join(', ')})`).join(' · ')}
            {observerParties.length > 0 && (
              <span class="muted">
                {' '}
                · {t('observers')}:{' '}
                {observerParties.map((p) => `${p} (${channel.observers[p]!.join(', ')})`).join(', ')}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('colLinks')}</dt>
          <dd class="links">
            {others.length === 0 && <span class="muted">{t('noPeerLink')}</span>}
            {others.map((party) => {
              const peer = overview.peers.get(party);
              return <LinkBadge key={party} peer={peer ?? { party, status: 'unknown', since: 0 }} />;
            })}
          </dd>
        </div>
        <div>
          <dt>{t('colInbox')}</dt>
          <dd>{unread}</dd>
        </div>
        <div>
          <dt>{t('navObligations')}</dt>
          <dd class="obligation-counts">
            {!counts && <span class="muted">{t('loading')}</span>}
            {counts && (
              <a href={routePath(obligationsRoute)} onClick={(e) => onLinkClick(e, obligationsRoute)}>
                <span
                  class={`count-owing${owing.overdue > 0 ? ' overdue-text' : ''}`}
                  data-count={owing.count}
                >
                  {t('iOwe')}: {owing.count}
                  {owing.overdue > 0 && ` (${owing.overdue} ${t('overdue')})`}
                </span>{' '}
                ·{' '}
                <span class={`count-owed${owed.overdue > 0 ? ' overdue-text' : ''}`} data-count={owed.count}>
                  {t('iAmOwed')}: {owed.count}
                  {owed.overdue > 0 && ` (${owed.overdue} ${t('overdue')})`}
                </span>
              </a>
            )}
          </dd>
        </div>
        {(counts?.cadence.get(channel.id) ?? []).length > 0 && (
          <div>
            <dt>{t('navCadence')}</dt>
            <dd class="cadence-summary">
              {counts!.cadence.get(channel.id)!.map((c) => {
                const missed = c.cadence.periods.filter(
                  (p) => !p.kept && p.from !== c.cadence.current?.from,
                ).length;
                return (
                  <span
                    key={c.id}
                    class={missed > 0 ? 'overdue-text' : undefined}
                    data-commitment={c.commitment}
                  >
                    {c.what} / {c.every}: {missed > 0 ? `${missed} ✗` : '✓'} ·{' '}
                    {formatTime(c.cadence.nextDue)}{' '}
                  </span>
                );
              })}
            </dd>
          </div>
        )}
        {status?.change && (
          <div class="change">
            <dt>{status.change.change}</dt>
            <dd>
              {t('changeBy')} {status.change.by} ({status.change.party}), {formatTime(status.change.at)} —{' '}
              {t('reason')}: “{status.change.reason}”
              {status.change.waitingFor.length > 0 &&
                ` — ${t('waitingFor')}: ${status.change.waitingFor.join(', ')}`}
            </dd>
          </div>
        )}
      </dl>
    </li>
  );
}
