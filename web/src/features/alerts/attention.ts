/**
 * Making an urgent arrival impossible to miss (issue "A watch floor console"): a distinct sound
 * for FLASH and for IMMEDIATE, a desktop notification (permission asked once, on the person's
 * click), and the count of unopened urgent items in the tab title and the favicon.
 */
import { routePath, navigate } from '../../lib/router';
import { signal } from '../../lib/signal';
import { alerts, onAlert, type Alert, type AlertPrecedence } from './alert-store';
import { t } from './messages';
import { alertText } from './alert-text';

const ASKED_KEY = 'parley.notifications.asked';

/** 'unsupported' where the browser has no Notification API. */
export const notificationPermission = signal<NotificationPermission | 'unsupported'>(
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
);

/** Whether to offer the person the button that asks for desktop alerts. */
export function shouldOfferDesktopAlerts(): boolean {
  return notificationPermission.get() === 'default';
}

/** Asks for desktop notifications; call from a click (browsers ignore requests without one). */
export async function askForDesktopAlerts(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  localStorage.setItem(ASKED_KEY, '1');
  notificationPermission.set(await Notification.requestPermission());
}

// Distinct patterns: FLASH three short high tones, IMMEDIATE two lower ones (frequency Hz, ms).
const TONES: Record<AlertPrecedence, ReadonlyArray<readonly [number, number]>> = {
  FLASH: [
    [1320, 140],
    [1320, 140],
    [1320, 140],
  ],
  IMMEDIATE: [
    [660, 200],
    [880, 200],
  ],
};

let audio: AudioContext | null = null;

/** Browsers let a page play sound only after a gesture: the first click or key unlocks it. */
function unlockAudioOnGesture(): void {
  const unlock = (): void => {
    audio ??= new AudioContext();
    void audio.resume();
  };
  document.addEventListener('pointerdown', unlock, { capture: true });
  document.addEventListener('keydown', unlock, { capture: true });
}

function playTone(precedence: AlertPrecedence): void {
  audio ??= new AudioContext();
  let at = audio.currentTime + 0.01;
  for (const [frequency, ms] of TONES[precedence]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = 'square';
    oscillator.frequency.value = frequency;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + ms / 1000);
    at += (ms + 90) / 1000;
  }
}

function notify(alert: Alert): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const { title, body } = alertText(alert);
  const notification = new Notification(title, {
    body,
    tag: alert.id,
    // A FLASH stays on screen until the person acts on it.
    requireInteraction: alert.precedence === 'FLASH',
  });
  notification.onclick = () => {
    window.focus();
    navigate({ screen: 'timeline', channel: alert.channel, entry: `${alert.party}/${alert.seq}` });
    notification.close();
  };
}

/** An urgent precedence in the interface language. */
export function precedenceName(precedence: AlertPrecedence): string {
  return t(`precedence${precedence}`);
}

/** The tab title with the count of unopened urgent items in front, e.g. "(2) FLASH · …". */
export function titleWithAlerts(base: string): string {
  const open = alerts.get();
  if (open.length === 0) return base;
  const top = open.some((a) => a.precedence === 'FLASH') ? 'FLASH' : 'IMMEDIATE';
  return `(${open.length}) ${precedenceName(top)} · ${base}`;
}

let baseIcon: string | null = null;

/** Draws the favicon: the plain mark, or a red disc with the count of unopened urgent items. */
function drawFavicon(count: number): void {
  const link =
    document.querySelector<HTMLLinkElement>('link[rel="icon"]') ??
    document.head.appendChild(Object.assign(document.createElement('link'), { rel: 'icon' }));
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.fillStyle = '#1d3557';
  g.fillRect(0, 0, 32, 32);
  g.fillStyle = '#ffffff';
  g.font = 'bold 20px sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText('P', 16, 17);
  if (count > 0) {
    g.fillStyle = '#c1121f';
    g.beginPath();
    g.arc(21, 11, 11, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#ffffff';
    g.font = 'bold 15px sans-serif';
    g.fillText(count > 9 ? '9+' : String(count), 21, 12);
  }
  const url = canvas.toDataURL('image/png');
  if (count === 0) baseIcon = url;
  link.href = count === 0 ? (baseIcon ?? url) : url;
  link.dataset.alerts = String(count);
}

let started = false;

/** Wires sound, notifications and the favicon to the alert store, once per page. */
export function startAttention(): void {
  if (started) return;
  started = true;
  unlockAudioOnGesture();
  drawFavicon(0);
  alerts.subscribe((open) => drawFavicon(open.length));
  onAlert((alert) => {
    try {
      playTone(alert.precedence);
    } catch {
      // No audio device: the banner, title and notification still tell.
    }
    notify(alert);
  });
}

/** The link that opens an alert's item. */
export function alertHref(alert: Alert): string {
  return routePath({ screen: 'timeline', channel: alert.channel, entry: `${alert.party}/${alert.seq}` });
}
