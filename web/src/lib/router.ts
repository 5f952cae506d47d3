/**
 * Client-side routes under `/app/…` (the node serves index.html for each of them, so a reload or
 * a shared link opens the same screen). History API only; no hash URLs.
 */
import { signal } from './signal';

/** The views of one channel, as tabs of the channel screen. */
export type ChannelTab =
  | 'timeline'
  | 'clarifications'
  | 'statements'
  | 'glossary'
  | 'notify'
  | 'briefings'
  | 'invitations'
  | 'commitments'
  | 'charter';
export const CHANNEL_TABS: readonly ChannelTab[] = [
  'timeline',
  'clarifications',
  'statements',
  'glossary',
  'notify',
  'briefings',
  'invitations',
  'commitments',
  'charter',
];

export type Route =
  | { screen: 'channels' }
  | { screen: 'obligations' }
  /** A channel; `entry` (`PARTY/seq`) opens that item in the inspector. */
  | { screen: 'timeline'; channel: string; tab?: ChannelTab; entry?: string }
  | { screen: 'cadence' }
  | { screen: 'peers' }
  | { screen: 'admin' }
  /** One's passkeys (features/session/passkeys.tsx). */
  | { screen: 'passkeys' }
  | { screen: 'audit' }
  | { screen: 'account' }
  /** Full-text search (features/search); `q` and the filters live in the query string. */
  | { screen: 'search'; q?: string; channel?: string };

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'app') return { screen: 'channels' };
  if (parts[1] === 'channels' && parts[2]) {
    const channel = parts[2];
    if (parts[3] === 'entries' && parts[4] && parts[5] && /^\d+$/.test(parts[5]))
      return { screen: 'timeline', channel, tab: 'timeline', entry: `${parts[4]}/${parts[5]}` };
    const tab = CHANNEL_TABS.find((t) => t === parts[3]);
    return { screen: 'timeline', channel, tab: tab ?? 'timeline' };
  }
  if (parts[1] === 'obligations') return { screen: 'obligations' };
  if (parts[1] === 'cadence') return { screen: 'cadence' };
  if (parts[1] === 'peers') return { screen: 'peers' };
  if (parts[1] === 'admin' && parts[2] === 'audit') return { screen: 'audit' };
  if (parts[1] === 'admin') return { screen: 'admin' };
  if (parts[1] === 'passkeys') return { screen: 'passkeys' };
  if (parts[1] === 'account') return { screen: 'account' };
  if (parts[1] === 'search') {
    const query = new URLSearchParams(search);
    const q = query.get('q');
    const channel = query.get('channel');
    return { screen: 'search', ...(q ? { q } : {}), ...(channel ? { channel } : {}) };
  }
  return { screen: 'channels' };
}

export function routePath(route: Route): string {
  switch (route.screen) {
    case 'timeline': {
      const base = `/app/channels/${encodeURIComponent(route.channel)}`;
      if (route.entry) {
        const [party, seq] = route.entry.split('/');
        return `${base}/entries/${encodeURIComponent(party ?? '')}/${seq ?? ''}`;
      }
      return route.tab && route.tab !== 'timeline' ? `${base}/${route.tab}` : base;
    }
    case 'obligations':
      return '/app/obligations';
    case 'cadence':
      return '/app/cadence';
    case 'peers':
      return '/app/peers';
    case 'admin':
      return '/app/admin';
    case 'passkeys':
      return '/app/passkeys';
    case 'audit':
      return '/app/admin/audit';
    case 'account':
      return '/app/account';
    case 'search': {
      const query = new URLSearchParams({
        ...(route.q ? { q: route.q } : {}),
        ...(route.channel ? { channel: route.channel } : {}),
      }).toString();
      return query ? `/app/search?${query}` : '/app/search';
    }
    default:
      return '/app/channels';
  }
}

export const currentRoute = signal<Route>(parseRoute(location.pathname, location.search));

export function navigate(route: Route, options: { replace?: boolean; keepScroll?: boolean } = {}): void {
  const path = routePath(route);
  if (`${location.pathname}${location.search}` !== path) {
    if (options.replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  currentRoute.set(route);
  if (!options.keepScroll) window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => currentRoute.set(parseRoute(location.pathname, location.search)));

/** Follows same-origin links without a page load (plain clicks only). */
export function onLinkClick(event: MouseEvent, route: Route): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(route);
}

/** The route that opens an entry (`channel/PARTY/seq`) in its channel's inspector. */
export function entryRoute(id: string): Route {
  const parts = id.split('/');
  const seq = parts.pop() ?? '0';
  const party = parts.pop() ?? '';
  return { screen: 'timeline', channel: parts.join('/'), tab: 'timeline', entry: `${party}/${seq}` };
}
