/**
 * The banner of unopened urgent items, above every screen: it stays until each item is opened,
 * and is a live region, so a screen reader announces an arrival as it comes. Also says plainly
 * when the live stream from one's own node is interrupted.
 */
import { useSignal } from '../../lib/signal';
import { onLinkClick } from '../../lib/router';
import { alerts, streamUp, type Alert } from './alert-store';
import { alertHref, askForDesktopAlerts, notificationPermission } from './attention';
import { alertText } from './alert-text';
import { t } from './messages';

const SHOWN = 3;

export function AlertBanner() {
  const open = useSignal(alerts);
  const up = useSignal(streamUp);
  return (
    <div class="alert-area">
      {!up && (
        <p class="alert-stream-down" role="status">
          {t('streamDown')}
        </p>
      )}
      <div role="alert" aria-label={t('alertsRegion')} class="alert-list">
        {open.slice(0, SHOWN).map((alert) => (
          <AlertRow key={alert.id} alert={alert} />
        ))}
        {open.length > SHOWN && (
          <p class="alert-more">
            +{open.length - SHOWN} {t('alertMore')}
          </p>
        )}
      </div>
    </div>
  );
}

function AlertRow({ alert }: { alert: Alert }) {
  const { title, body } = alertText(alert);
  const route = { screen: 'timeline', channel: alert.channel, entry: `${alert.party}/${alert.seq}` } as const;
  return (
    <div class={`alert-banner alert-${alert.precedence.toLowerCase()}`} data-alert={alert.id}>
      <strong class="alert-title">{title}</strong>
      <span class="alert-body" lang={alert.entry.lang}>
        {body}
      </span>
      <a class="alert-open" href={alertHref(alert)} onClick={(e) => onLinkClick(e, route)}>
        {t('alertOpen')}
      </a>
    </div>
  );
}

/** Offers desktop alerts while the browser has not been asked yet. */
export function DesktopAlertsButton() {
  const permission = useSignal(notificationPermission);
  if (permission === 'denied') return <span class="muted desktop-alerts">{t('desktopAlertsBlocked')}</span>;
  if (permission !== 'default') return null;
  return (
    <button type="button" class="secondary desktop-alerts" onClick={() => void askForDesktopAlerts()}>
      {t('enableDesktopAlerts')}
    </button>
  );
}
