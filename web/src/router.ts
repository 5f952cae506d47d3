/**
 * Client-side routes under `/app/…` (the node serves index.html for each of them, so a reload or
 * a shared link opens the same screen). History API only; no hash URLs.
 */
import { signal } from './signal';

export type Route =
  | { screen: 'channels' }
  | { screen: 'timeline'; channel: string }
  | { screen: 'peers' }
  | { screen: 'admin' };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'app') return { screen: 'channels' };
  if (parts[1] === 'channels' && parts[2]) return { screen: 'timeline', channel: parts[2] };
  if (parts[1] === 'peers') return { screen: 'peers' };
  if (parts[1] === 'admin') return { screen: 'admin' };
  return { screen: 'channels' };
}

export function routePath(route: Route): string {
  switch (route.screen) {
    case 'timeline':
      return `/app/channels/${encodeURIComponent(route.channel)}`;
    case 'peers':
      return '/app/peers';
    case 'admin':
      return '/app/admin';
    default:
      return '/app/channels';
  }
}

export const currentRoute = signal<Route>(parseRoute(location.pathname));

export function navigate(route: Route): void {
  const path = routePath(route);
  if (location.pathname !== path) history.pushState(null, '', path);
  currentRoute.set(route);
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => currentRoute.set(parseRoute(location.pathname)));

/** Follows same-origin links without a page load (plain clicks only). */
export function onLinkClick(event: MouseEvent, route: Route): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(route);
}
