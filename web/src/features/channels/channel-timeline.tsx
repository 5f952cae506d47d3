/**
 * A channel's timeline: all parties' chains merged in causal order, newest first, in a
 * virtualised list that follows live updates (Server-Sent Events) without a reload. Node
 * bookkeeping is hidden unless asked for; filters narrow by kind, precedence, party and words;
 * rows newer than the reader's last visit are marked, with a line under them and a jump to it.
 * The note composer is folded above the list, and not offered to those who may only read; the
 * other tabs learn who may write from lib/write-access.tsx.
 * Select an entry to inspect and verify it, see its delivery and acknowledge it.
 */
import type { VNode } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { PRECEDENCES, api, type Channel, type Entry, type Me, type Precedence } from '../../lib/api';
import { ClarificationsView } from '../obligations';
import { BriefingsView, InvitationsView, OrdersView } from '../contacts';
import { CharterView } from '../charter';
import { GlossaryView } from '../language';
import { NotifyView } from '../templates';
import { StatementsView } from '../statements';
import { ComposeForm } from './compose-form';
import { EntryInspector } from './entry-inspector';
import { EntryRow } from './entry-row';
import { kindLabel, summarizeEntry } from './entry-summary';
import { StateBadge } from '../../lib/components/state-badge';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { VirtualList } from '../../lib/components/virtual-list';
import { DeliveryCache } from './delivery-cache';
import { type MessageKey, t } from './messages';
import { CHANNEL_TABS, navigate, onLinkClick, routePath, type ChannelTab } from '../../lib/router';
import { TimelineStore } from './timeline-store';
import { useAsync } from '../../lib/use-async';
import { ReadOnlyNote, WriteAccessContext, writeAccess, type WriteAccess } from '../../lib/write-access';
import {
  NO_FILTER,
  isNarrowed,
  isSystemEntry,
  matchesFilter,
  newSince,
  type TimelineFilter,
} from './timeline-filter';

const ROW_HEIGHT = 64;

function readableWords(entry: Entry): string {
  const summary = summarizeEntry(entry);
  return `${summary.subject ?? ''} ${summary.text}`;
}

/**
 * The newest storage cursor this reader had seen of this channel when it was opened (fixed for
 * the visit), and a function recording what is on screen now; kept in this browser only.
 */
function useLastSeen(
  me: Me,
  channelId: string,
): { lastSeen: number | null; record: (cursor: number | null) => void } {
  const key = `parley.seen.${me.node.party}.${me.principal.id}.${channelId}`;
  const lastSeen = useMemo(() => {
    const stored = Number(localStorage.getItem(key));
    return Number.isFinite(stored) && stored > 0 ? stored : null;
  }, [key]);
  const pending = useRef<number | null>(null);
  useEffect(() => {
    const flush = (): void => {
      if (pending.current !== null) localStorage.setItem(key, String(pending.current));
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [key]);
  return {
    lastSeen,
    record: (cursor) => {
      if (cursor !== null && (pending.current === null || cursor > pending.current)) pending.current = cursor;
    },
  };
}

const TAB_LABELS: Record<ChannelTab, MessageKey> = {
  timeline: 'timeline',
  clarifications: 'tabClarifications',
  statements: 'tabStatements',
  glossary: 'tabGlossary',
  notify: 'tabNotify',
  briefings: 'tabBriefings',
  invitations: 'tabInvitations',
  commitments: 'tabCommitments',
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
  const [filter, setFilter] = useState<TimelineFilter>(NO_FILTER);
  const seen = useLastSeen(me, props.channel.id);
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
      if (matchesFilter(entry, filter, readableWords)) shown.push(entry);
    }
    return shown;
    // The store mutates in place; `version` says when.
  }, [store, version, filter]);
  // What is on screen now counts as seen at the next visit.
  seen.record(store.newestCursor);

  const selectedEntry = selected
    ? (rows.find((e) => e.id === selected) ?? store.entries.find((e) => e.id === selected))
    : undefined;
  const wantsDelivery = (entry: Entry): boolean =>
    entry.party === myParty && entry.author !== 'node' && entry.kind !== 'receipt' && !isSystemEntry(entry);
  // The other tabs (not the charter's, which has its own rules) offer writing as the node allows it.
  const access = useMemo(() => writeAccess(me, channel), [me, channel]);

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
        <WriteAccessContext.Provider value={access}>
          {tab === 'clarifications' && <ClarificationsView channel={channel} me={me} version={settled} />}
          {tab === 'statements' && <StatementsView channel={channel} me={me} version={settled} />}
          {tab === 'glossary' && <GlossaryView channel={channel} me={me} version={settled} />}
          {tab === 'notify' && <NotifyView channel={channel} />}
          {tab === 'briefings' && <BriefingsView channel={channel} me={me} version={settled} />}
          {tab === 'invitations' && <InvitationsView channel={channel} me={me} version={settled} />}
          {tab === 'commitments' && <OrdersView channel={channel} me={me} version={settled} />}
        </WriteAccessContext.Provider>
        {tab === 'charter' && <CharterView channel={channel} me={me} version={settled} />}
        {tab === 'timeline' && (
          <TimelineView
            channel={channel}
            store={store}
            rows={rows}
            selected={selected}
            filter={filter}
            setFilter={setFilter}
            lastSeen={seen.lastSeen}
            mayWrite={access.mayWrite}
            access={access}
            settled={settled}
            onOpen={(entry) => setSelected(entry.id)}
            renderRow={(entry, unread, seenLine) => (
              <EntryRow
                entry={entry}
                delivery={wantsDelivery(entry) ? deliveries.get(entry) : null}
                unread={unread}
                seenLine={seenLine}
              />
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
  filter: TimelineFilter;
  setFilter: (filter: TimelineFilter) => void;
  lastSeen: number | null;
  mayWrite: boolean;
  /** Why the composer is not offered, when it is not (lib/write-access.tsx). */
  access: WriteAccess;
  settled: number;
  onOpen: (entry: Entry) => void;
  renderRow: (entry: Entry, unread: boolean, seenLine: string | null) => VNode;
}) {
  const { channel, store, rows, selected, filter, setFilter, lastSeen } = props;
  const unread = useMemo(() => newSince(rows, lastSeen), [rows, lastSeen]);
  const [jump, setJump] = useState<{ index: number; token: number } | null>(null);
  // Kept in state: a re-render (each arriving page of entries) must not fold it again.
  const [composeOpen, setComposeOpen] = useState(false);
  const seenLine = unread.count > 0 ? t('newSinceLastLooked') : null;
  return (
    <>
      {props.mayWrite ? (
        <details
          class="compose-fold"
          open={composeOpen}
          onToggle={(e) => setComposeOpen((e.currentTarget as HTMLDetailsElement).open)}
        >
          <summary>{t('composeOpen')}</summary>
          <ComposeForm channel={channel} />
        </details>
      ) : (
        <WriteAccessContext.Provider value={props.access}>
          <ReadOnlyNote />
        </WriteAccessContext.Provider>
      )}
      <div class="timeline-tools">
        <h2 id="timeline-title">{t('timeline')}</h2>
        {unread.count > 0 && (
          <button
            type="button"
            class="secondary unread-jump"
            onClick={() =>
              setJump({ index: unread.firstSeenIndex === -1 ? 0 : unread.firstSeenIndex, token: Date.now() })
            }
          >
            {unread.count} {t('newCount')} · {t('jumpToLastSeen')}
          </button>
        )}
      </div>
      <TimelineFilters
        channel={channel}
        store={store}
        settled={props.settled}
        filter={filter}
        setFilter={setFilter}
        shown={rows.length}
      />
      {store.state === 'error' && <ErrorBox error={store.error} />}
      {store.state === 'loading' && store.entries.length === 0 && <Loading />}
      {store.state === 'complete' && rows.length === 0 && (
        <EmptyState>{isNarrowed(filter) ? t('noneMatch') : t('timelineEmpty')}</EmptyState>
      )}
      {rows.length > 0 && (
        <VirtualList
          items={rows}
          rowHeight={ROW_HEIGHT}
          label={`${t('timeline')}: ${channel.name}`}
          itemKey={(entry) => entry.id}
          selectedKey={selected}
          jumpTo={jump}
          rowLabel={(entry) => {
            const summary = summarizeEntry(entry);
            const isNew = lastSeen !== null && entry.cursor !== null && entry.cursor > lastSeen;
            return `${isNew ? `${t('newLabel')}: ` : ''}${entry.precedence}${entry.marking ? ` ${entry.marking}` : ''} ${entry.id} ${entry.author}: ${summary.subject ?? ''} ${summary.text.slice(0, 80)}`;
          }}
          onOpen={props.onOpen}
          renderRow={(entry, index) =>
            props.renderRow(
              entry,
              lastSeen !== null && entry.cursor !== null && entry.cursor > lastSeen,
              index === unread.firstSeenIndex ? seenLine : null,
            )
          }
        />
      )}
    </>
  );
}

/** Narrowing the timeline: kind, least precedence, party, words; and node bookkeeping shown or not. */
function TimelineFilters(props: {
  channel: Channel;
  store: TimelineStore;
  /** The store's version, settled: the kinds on offer are gathered at most every 250 ms. */
  settled: number;
  filter: TimelineFilter;
  setFilter: (filter: TimelineFilter) => void;
  shown: number;
}) {
  const { filter, setFilter, store } = props;
  const kinds = useMemo(() => {
    const found = new Set<string>();
    for (const entry of store.entries) if (filter.showSystem || !isSystemEntry(entry)) found.add(entry.kind);
    return [...found].sort();
  }, [store, props.settled, filter.showSystem]);
  const update = (change: Partial<TimelineFilter>): void => setFilter({ ...filter, ...change });
  return (
    <div class="timeline-filters" role="search" aria-label={t('filterTimeline')}>
      <label>
        {t('filterWords')}
        <input type="search" value={filter.words} onInput={(e) => update({ words: e.currentTarget.value })} />
      </label>
      <label>
        {t('filterKind')}
        <select value={filter.kind} onChange={(e) => update({ kind: e.currentTarget.value })}>
          <option value="">{t('filterAll')}</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {kindLabel(kind)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filterAtLeast')}
        <select
          value={filter.minPrecedence}
          onChange={(e) => update({ minPrecedence: e.currentTarget.value as Precedence | '' })}
        >
          <option value="">{t('filterAll')}</option>
          {PRECEDENCES.slice(1).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filterParty')}
        <select value={filter.party} onChange={(e) => update({ party: e.currentTarget.value })}>
          <option value="">{t('filterAll')}</option>
          {Object.keys(props.channel.parties).map((party) => (
            <option key={party} value={party}>
              {party}
            </option>
          ))}
        </select>
      </label>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={filter.showSystem}
          onChange={(e) => update({ showSystem: e.currentTarget.checked })}
        />{' '}
        {t('showSystem')}
      </label>
      {isNarrowed(filter) && (
        <button
          type="button"
          class="secondary"
          onClick={() => setFilter({ ...NO_FILTER, showSystem: filter.showSystem })}
        >
          {t('clearFilters')} ({props.shown})
        </button>
      )}
    </div>
  );
}
