/**
 * A channel's timeline: all parties' chains merged in causal order, newest first, in a
 * virtualised list that follows live updates (Server-Sent Events) without a reload. Compose a
 * note above it; select an entry to inspect and verify it, see its delivery and acknowledge it.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Channel, type Entry, type Me } from '../api';
import { ComposeForm } from '../components/compose-form';
import { EntryInspector } from '../components/entry-inspector';
import { EntryRow } from '../components/entry-row';
import { summarizeEntry } from '../components/entry-summary';
import { StateBadge } from '../components/state-badge';
import { EmptyState, ErrorBox, Loading } from '../components/status';
import { VirtualList } from '../components/virtual-list';
import { DeliveryCache } from '../delivery-cache';
import { t } from '../i18n';
import { onLinkClick, routePath } from '../router';
import { TimelineStore } from '../timeline-store';
import { useAsync } from '../use-async';

const ROW_HEIGHT = 64;
/** Node bookkeeping hidden unless asked for: every batch a peer stores yields one. */
const SYSTEM_KINDS = new Set(['received']);

export function ChannelTimelineScreen({ me, channelId }: { me: Me; channelId: string }) {
  const channel = useAsync(() => api.channel(channelId), [channelId]);
  if (channel.error) return <ErrorBox error={channel.error} onRetry={channel.reload} />;
  if (!channel.data) return <Loading />;
  return <Timeline me={me} channel={channel.data} />;
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

function Timeline({ me, channel }: { me: Me; channel: Channel }) {
  const { store, deliveries, version } = useStore(channel.id);
  const [showSystem, setShowSystem] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
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
    <div class={`timeline-screen${selectedEntry ? ' with-inspector' : ''}`}>
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
            onOpen={(entry) => setSelected(entry.id)}
            renderRow={(entry) => (
              <EntryRow entry={entry} delivery={wantsDelivery(entry) ? deliveries.get(entry) : null} />
            )}
          />
        )}
      </div>
      {selectedEntry && (
        <EntryInspector
          channel={channel}
          entry={selectedEntry}
          store={store}
          delivery={selectedEntry.author !== 'node' ? deliveries.get(selectedEntry) : null}
          myParty={myParty}
          onClose={() => setSelected(null)}
        />
      )}
    </div>
  );
}
