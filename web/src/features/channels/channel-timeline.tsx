/**
 * A channel's timeline: all parties' chains merged in causal order, newest first, in a
 * virtualised list that follows live updates (Server-Sent Events) without a reload. Compose a
 * note above it; select an entry to inspect and verify it, see its delivery and acknowledge it.
 */
import type { VNode } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Channel, type Entry, type Me } from '../../lib/api';
import { ClarificationsView } from '../obligations';
import { BriefingsView, InvitationsView } from '../contacts';
import { CharterView } from '../charter';
import { GlossaryView } from '../language';
import { NotifyView } from '../templates';
import { StatementsView } from '../statements';
import { ComposeForm } from './compose-form';
import { EntryInspector } from './entry-inspector';
import { EntryRow } from './entry-row';
import { summarizeEntry } from './entry-summary';
import { StateBadge } from '../../lib/components/state-badge';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { VirtualList } from '../../lib/components/virtual-list';
import { DeliveryCache } from './delivery-cache';
import { type MessageKey, t } from './messages';
import { CHANNEL_TABS, navigate, onLinkClick, routePath, type ChannelTab } from '../../lib/router';
import { TimelineStore } from './timeline-store';
import { useAsync } from '../../lib/use-async';

const ROW_HEIGHT = 64;
/** Node bookkeeping hidden unless asked for: every batch a peer stores yields one. */
const SYSTEM_KINDS = new Set(['received']);

const TAB_LABELS: Record<ChannelTab, MessageKey> = {
  timeline: 'timeline',
  clarifications: 'tabClarifications',
  statements: 'tabStatements',
  glossary: 'tabGlossary',
  notify: 'tabNotify',
  briefings: 'tabBriefings',
  invitations: 'tabInvitations',
  charter: 'tabCharter',
};

export function ChannelTimelineScreen(props: { me: Me; channelId: string; tab: ChannelTab; entry?: string }) {
  const channel = useAsync(() => api.channel(props.channelId), [props.channelId]);
  if (channel.error) return <ErrorBox error={channel.error} onRetry={channel.reload} />;
  if (!channel.data) return <Loading />;
  return <Timeline me={props.me} channel={channel.data} tab={props.tab} entry={props.entry} />;
}

/** `version`, changing at most every `ms` (a burst of live entries refreshes views once). */
function useSettled(version: number, ms = 250): number {
  const [settled, setSettled] = useState(version);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(version), ms);
    return () => clearTimeout(timer);
  }, [version, ms]);
  return settled;
}

function useStore(channelId: string): { store: TimelineStore; deliveries: DeliveryCache; version: number } {
  const [version, setVersion] = useState(0);
  const { store, deliveries } = useMemo(() => {
    const created = new TimelineStore(channelId);
    const cache = new DeliveryCache(channelId);
    created.onLive = (entry) => cache.noteEntry(entry);
    return { store: created, deliveries: cache };
  }, [channelId]);
  useEffect(() => {
    const bump = (): void => setVersion((v) => v + 1);
    const offStore = store.subscribe(bump);
    const offCache = deliveries.subscribe(bump);
    void store.start();
    return () => {
      offStore();
      offCache();
      store.close();
      deliveries.close();
    };
  }, [store, deliveries]);
  return { store, deliveries, version };
}

function Timeline(props: { me: Me; channel: Channel; tab: ChannelTab; entry?: string }) {
  const { me, tab } = props;
  const { store, deliveries, version } = useStore(props.channel.id);
  const settled = useSettled(store.version);
  // Agreed channel changes alter its state and languages: read it again as entries arrive.
  const channel =
    useAsync(() => api.channel(props.channel.id), [props.channel.id, settled]).data ?? props.channel;
  const [showSystem, setShowSystem] = useState(false);
  const selected = props.entry ? `${channel.id}/${props.entry}` : null;
  const setSelected = (id: string | null): void => {
    const entry = id ? id.slice(channel.id.length + 1) : undefined;
    navigate(
      { screen: 'timeline', channel: channel.id, tab: 'timeline', entry },
      { replace: true, keepScroll: true },
    );
  };
  const myParty = me.node.party;

  // Newest first: a FLASH that just arrived is the first row.
  const rows = useMemo(() => {
    const shown: Entry[] = [];
    for (let i = store.entries.length - 1; i >= 0; i -= 1) {
      const entry = store.entries[i]!;
      if (showSystem || !SYSTEM_KINDS.has(entry.kind)) shown.push(entry);
    }
    return shown;
    // The store mutates in place; `version` says when.
  }, [store, version, showSystem]);

  const selectedEntry = selected
    ? (rows.find((e) => e.id === selected) ?? store.entries.find((e) => e.id === selected))
    : undefined;
  const wantsDelivery = (entry: Entry): boolean =>
    entry.party === myParty &&
    entry.author !== 'node' &&
    entry.kind !== 'receipt' &&
    !SYSTEM_KINDS.has(entry.kind);

  const backRoute = { screen: 'channels' } as const;
  return (
    <div class={`timeline-screen${selectedEntry && tab === 'timeline' ? ' with-inspector' : ''}`}>
      <div class="timeline-main">
        <header class="timeline-head">
          <a class="back" href={routePath(backRoute)} onClick={(e) => onLinkClick(e, backRoute)}>
            ← {t('backToChannels')}
          </a>
          <h1>
            {channel.name} <span class="muted mono">{channel.id}</span>
          </h1>
          <p class="timeline-facts">
            <StateBadge state={channel.state} /> <span>{Object.keys(channel.parties).join(' · ')}</span>
            <span class="muted">
              {' '}
              · {store.entries.length} {t('entriesCount')}
            </span>
            <span class={`live-indicator ${store.live ? 'on' : 'off'}`} role="status" aria-live="polite">
              {store.state === 'loading' ? t('loadingMore') : store.live ? `● ${t('live')}` : t('offline')}
            </span>
          </p>
        </header>
        <nav class="channel-tabs" aria-label={t('channelViews')}>
          {CHANNEL_TABS.map((id) => {
            const route = { screen: 'timeline', channel: channel.id, tab: id } as const;
            return (
              <a
                key={id}
                href={routePath(route)}
                aria-current={tab === id ? 'page' : undefined}
                onClick={(e) => onLinkClick(e, route)}
              >
                {t(TAB_LABELS[id])}
              </a>
            );
          })}
        </nav>
        {tab === 'clarifications' && <ClarificationsView channel={channel} me={me} version={settled} />}
        {tab === 'statements' && <StatementsView channel={channel} me={me} version={settled} />}
        {tab === 'glossary' && <GlossaryView channel={channel} me={me} version={settled} />}
        {tab === 'notify' && <NotifyView channel={channel} />}
        {tab === 'briefings' && <BriefingsView channel={channel} me={me} version={settled} />}
        {tab === 'invitations' && <InvitationsView channel={channel} me={me} version={settled} />}
        {tab === 'charter' && <CharterView channel={channel} me={me} version={settled} />}
        {tab === 'timeline' && (
          <TimelineView
            channel={channel}
            store={store}
            rows={rows}
            selected={selected}
            showSystem={showSystem}
            setShowSystem={setShowSystem}
            onOpen={(entry) => setSelected(entry.id)}
            renderRow={(entry) => (
              <EntryRow entry={entry} delivery={wantsDelivery(entry) ? deliveries.get(entry) : null} />
            )}
          />
        )}
      </div>
      {selectedEntry && tab === 'timeline' && (
        <EntryInspector
          channel={channel}
          entry={selectedEntry}
          store={store}
          delivery={selectedEntry.author !== 'node' ? deliveries.get(selectedEntry) : null}
          myParty={myParty}
          version={settled}
          onClose={() => setSelected(null)}
        />
      )}
    </div>
  );
}

function TimelineView(props: {
  channel: Channel;
  store: TimelineStore;
  rows: Entry[];
  selected: string | null;
  showSystem: boolean;
  setShowSystem: (value: boolean) => void;
  onOpen: (entry: Entry) => void;
  renderRow: (entry: Entry) => VNode;
}) {
  const { channel, store, rows, selected, showSystem, setShowSystem } = props;
  return (
    <>
      <ComposeForm channel={channel} />
      <div class="timeline-tools">
        <h2 id="timeline-title">{t('timeline')}</h2>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={showSystem}
            onChange={(e) => setShowSystem(e.currentTarget.checked)}
          />{' '}
          {t('showSystem')}
        </label>
      </div>
      {store.state === 'error' && <ErrorBox error={store.error} />}
      {store.state === 'loading' && store.entries.length === 0 && <Loading />}
      {store.state === 'complete' && rows.length === 0 && <EmptyState>{t('timelineEmpty')}</EmptyState>}
      {rows.length > 0 && (
        <VirtualList
          items={rows}
          rowHeight={ROW_HEIGHT}
          label={`${t('timeline')}: ${channel.name}`}
          itemKey={(entry) => entry.id}
          selectedKey={selected}
          rowLabel={(entry) => {
            const summary = summarizeEntry(entry);
            return `${entry.precedence}${entry.marking ? ` ${entry.marking}` : ''} ${entry.id} ${entry.author}: ${summary.subject ?? ''} ${summary.text.slice(0, 80)}`;
          }}
          onOpen={props.onOpen}
          renderRow={props.renderRow}
        />
      )}
    </>
  );
}
