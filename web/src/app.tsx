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
import { AdminScreen, PeersScreen } from './features/admin';
import { ChannelListScreen, ChannelTimelineScreen } from './features/channels';
import { ObligationsScreen } from './features/obligations';
import { LoginScreen } from './features/session';
import { CadenceScreen } from './features/contacts';
import { useSignal } from './lib/signal';

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

  useEffect(() => {
    document.title = `${t('appName')} — ${session.state === 'signed-in' ? screenTitle(route) : t('loginTitle')}`;
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
          <NavLink route={{ screen: 'obligations' }} current={route} label={t('navObligations')} />
          <NavLink route={{ screen: 'cadence' }} current={route} label={t('navCadence')} />
          <NavLink route={{ screen: 'peers' }} current={route} label={t('navPeers')} />
          {me.principal.role === 'admin' && (
            <NavLink route={{ screen: 'admin' }} current={route} label={t('navAdmin')} />
          )}
        </nav>
        <div class="topbar-right">
          <LanguageSwitch />
          <span class="who" title={`${t('signedInAs')} ${me.principal.id}`}>
            {me.principal.id} <span class="muted">({me.principal.role})</span>
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              void api.logout().finally(() => setSession({ state: 'anonymous' }));
            }}
          >
            {t('logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen route={route} me={me} />
      </main>
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
      return <CadenceScreen />;
    case 'peers':
      return <PeersScreen />;
    case 'admin':
      return <AdminScreen me={me} />;
    default:
      return <ChannelListScreen me={me} />;
  }
}

function NavLink({ route, current, label }: { route: Route; current: Route; label: string }) {
  const active =
    current.screen === route.screen || (route.screen === 'channels' && current.screen === 'timeline');
  return (
    <a
      href={routePath(route)}
      aria-current={active ? 'page' : undefined}
      onClick={(e) => onLinkClick(e, route)}
    >
      {label}
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
