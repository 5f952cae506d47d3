/**
 * The duty officer's console: checks the session, then shows the screen the URL names inside the
 * common frame (navigation, interface language, who is signed in). New screens add a route in
 * lib/router.ts, a feature under features/ (exported from its index.ts) and a case below.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, hasSession, setUnauthenticatedHandler, type Me } from './lib/api';
import { ErrorBox, Loading } from './lib/components/status';
import { t } from './lib/messages';
import { LOCALES, locale, setLocale, type Locale } from './lib/i18n';
import { currentRoute, onLinkClick, routePath, type Route } from './lib/router';
import { AccountScreen } from './features/account';
import { AdminScreen, AuditScreen, PeersScreen } from './features/admin';
import { ChannelListScreen, ChannelTimelineScreen } from './features/channels';
import { ObligationsScreen } from './features/obligations';
import { LoginScreen, PasskeysScreen } from './features/session';
import { CadenceScreen } from './features/contacts';
import { SearchScreen, Switcher, SwitcherButton, searchText } from './features/search';
import { useSignal } from './lib/signal';
import { useAsync } from './lib/use-async';
import {
  AlertBanner,
  arrivals,
  DesktopAlertsButton,
  alerts,
  connectAlerts,
  startAttention,
  titleWithAlerts,
} from './features/alerts';

type Session =
  | { state: 'checking' }
  | { state: 'anonymous' }
  | { state: 'signed-in'; me: Me }
  | { state: 'error'; error: unknown };

export function App() {
  useSignal(locale);
  const route = useSignal(currentRoute);
  const [session, setSession] = useState<Session>({ state: hasSession() ? 'checking' : 'anonymous' });

  const check = useCallback(() => {
    if (!hasSession()) {
      setSession({ state: 'anonymous' });
      return;
    }
    setSession({ state: 'checking' });
    api.me().then(
      (me) => setSession({ state: 'signed-in', me }),
      (error: unknown) => setSession(hasSession() ? { state: 'error', error } : { state: 'anonymous' }),
    );
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setSession({ state: 'anonymous' }));
    check();
  }, [check]);

  useSignal(alerts);
  const party = session.state === 'signed-in' ? session.me.node.party : null;
  // One node-wide live stream per signed-in person: counts, lists and urgent alerts follow it.
  useEffect(() => {
    if (party === null) return undefined;
    startAttention();
    return connectAlerts(party);
  }, [party]);

  useEffect(() => {
    const base = `${t('appName')} — ${session.state === 'signed-in' ? screenTitle(route) : t('loginTitle')}`;
    document.title = session.state === 'signed-in' ? titleWithAlerts(base) : base;
  });

  if (session.state === 'checking') return <Loading />;
  if (session.state === 'error') return <ErrorBox error={session.error} onRetry={check} />;
  if (session.state === 'anonymous')
    return (
      <>
        <LanguageSwitch floating />
        <LoginScreen onSignedIn={check} />
      </>
    );
  const me = session.me;
  return <SignedIn me={me} route={route} onLogout={() => setSession({ state: 'anonymous' })} />;
}

/** How often the count of what I owe is read again, besides on every arrival. */
const OWING_REFRESH_MS = 30_000;

/** What I owe, counted in the navigation: read again on each arrival and every half minute. */
function useOwingCount(): number | undefined {
  const arrived = useSignal(arrivals);
  const owing = useAsync(() => api.obligations('owing'), [arrived]);
  useEffect(() => {
    const timer = setInterval(owing.reload, OWING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [owing.reload]);
  return owing.data?.obligations.length;
}

function SignedIn({ me, route, onLogout }: { me: Me; route: Route; onLogout: () => void }) {
  const owing = useOwingCount();
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header class="topbar">
        <span class="brand">
          {t('appName')} <span class="party-tag">{me.node.party}</span>
        </span>
        <nav aria-label={t('mainNav')}>
          <NavLink route={{ screen: 'channels' }} current={route} label={t('navChannels')} />
          <NavLink
            route={{ screen: 'obligations' }}
            current={route}
            label={t('navObligations')}
            count={owing}
            countLabel={t('owingCount')}
          />
          <NavLink route={{ screen: 'search' }} current={route} label={searchText('navSearch')} />
          <NavLink route={{ screen: 'cadence' }} current={route} label={t('navCadence')} />
          <NavLink route={{ screen: 'peers' }} current={route} label={t('navPeers')} />
          {me.principal.role === 'admin' && (
            <NavLink route={{ screen: 'admin' }} current={route} label={t('navAdmin')} />
          )}
          <NavLink route={{ screen: 'passkeys' }} current={route} label={t('navPasskeys')} />
          {me.principal.role === 'admin' && (
            <NavLink route={{ screen: 'audit' }} current={route} label={t('navAudit')} />
          )}
          <NavLink route={{ screen: 'account' }} current={route} label={t('navAccount')} />
        </nav>
        <div class="topbar-right">
          <SwitcherButton />
          <DesktopAlertsButton />
          <LanguageSwitch />
          <span class="who" title={`${t('signedInAs')} ${me.principal.id}`}>
            {me.principal.id} <span class="muted">({me.principal.role})</span>
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              void api.logout().finally(onLogout);
            }}
          >
            {t('logout')}
          </button>
        </div>
      </header>
      <AlertBanner />
      <main id="main" tabIndex={-1}>
        <Screen route={route} me={me} />
      </main>
      <Switcher />
    </div>
  );
}

function screenTitle(route: Route): string {
  switch (route.screen) {
    case 'timeline':
      return route.channel;
    case 'obligations':
      return t('navObligations');
    case 'cadence':
      return t('navCadence');
    case 'peers':
      return t('navPeers');
    case 'admin':
      return t('navAdmin');
    case 'passkeys':
      return t('navPasskeys');
    case 'audit':
      return t('navAudit');
    case 'account':
      return t('navAccount');
    case 'search':
      return route.q ? `${searchText('navSearch')}: ${route.q}` : searchText('navSearch');
    default:
      return t('navChannels');
  }
}

function Screen({ route, me }: { route: Route; me: Me }) {
  switch (route.screen) {
    case 'timeline':
      return (
        <ChannelTimelineScreen
          key={route.channel}
          me={me}
          channelId={route.channel}
          tab={route.tab ?? 'timeline'}
          entry={route.entry}
        />
      );
    case 'obligations':
      return <ObligationsScreen />;
    case 'cadence':
      return <CadenceScreen me={me} />;
    case 'peers':
      return <PeersScreen />;
    case 'admin':
      return <AdminScreen me={me} />;
    case 'passkeys':
      return <PasskeysScreen />;
    case 'audit':
      return <AuditScreen me={me} />;
    case 'account':
      return <AccountScreen me={me} />;
    case 'search':
      return <SearchScreen q={route.q} channel={route.channel} />;
    default:
      return <ChannelListScreen me={me} />;
  }
}

function NavLink(props: {
  route: Route;
  current: Route;
  label: string;
  count?: number;
  countLabel?: string;
}) {
  const { route, current, label, count } = props;
  const active =
    current.screen === route.screen || (route.screen === 'channels' && current.screen === 'timeline');
  return (
    <a
      href={routePath(route)}
      aria-current={active ? 'page' : undefined}
      onClick={(e) => onLinkClick(e, route)}
    >
      {label}
      {count !== undefined && count > 0 && (
        <span class="nav-count" aria-label={`${count} ${props.countLabel ?? ''}`}>
          {count}
        </span>
      )}
    </a>
  );
}

function LanguageSwitch({ floating = false }: { floating?: boolean }) {
  const current = useSignal(locale);
  return (
    <label class={`language-switch${floating ? ' floating' : ''}`}>
      <span class="visually-hidden">{t('language')}</span>
      <select
        aria-label={t('language')}
        value={current}
        onChange={(e) => setLocale(e.currentTarget.value as Locale)}
      >
        {LOCALES.map((l) => (
          <option key={l.id} value={l.id} lang={l.id}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
