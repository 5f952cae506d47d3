/**
 * The node-wide live stream (`GET /api/v1/events`) and what it means for a duty officer: every
 * arrival wakes the screens that show counts (channel list, navigation), and each FLASH or
 * IMMEDIATE entry from another party becomes an alert that stays until its item is opened
 * (issue "A watch floor console": a FLASH nobody can miss).
 */
import { nodeEventsUrl, type Entry } from '../../lib/api';
import { currentRoute } from '../../lib/router';
import { signal } from '../../lib/signal';

export type AlertPrecedence = 'FLASH' | 'IMMEDIATE';

export interface Alert {
  /** `channel/PARTY/seq`. */
  id: string;
  channel: string;
  party: string;
  seq: number;
  precedence: AlertPrecedence;
  entry: Entry;
}

/** Urgent items not yet opened, newest first. */
export const alerts = signal<readonly Alert[]>([]);
/** Bumped on every entry the stream delivers: screens with counts reload on it. */
export const arrivals = signal(0);
/** Whether the node-wide stream is connected. */
export const streamUp = signal(true);
/** Called once per new alert (sound, desktop notification). */
type AlertListener = (alert: Alert) => void;
const alertListeners = new Set<AlertListener>();

export function onAlert(listener: AlertListener): () => void {
  alertListeners.add(listener);
  return () => alertListeners.delete(listener);
}

const URGENT: ReadonlySet<string> = new Set(['FLASH', 'IMMEDIATE']);

/** Whether an entry should raise an alert for a person of `ownParty`. */
export function isUrgentArrival(entry: Entry, ownParty: string): boolean {
  return URGENT.has(entry.precedence) && entry.party !== ownParty && entry.marking !== 'TEST';
}

export function dismissAlert(id: string): void {
  alerts.set(alerts.get().filter((a) => a.id !== id));
}

let source: EventSource | null = null;
let stopRoute: (() => void) | null = null;

/** Opens the stream for the signed-in person; returns the function that closes it. */
export function connectAlerts(ownParty: string): () => void {
  disconnectAlerts();
  const events = new EventSource(nodeEventsUrl());
  source = events;
  events.addEventListener('open', () => streamUp.set(true));
  events.addEventListener('error', () => streamUp.set(events.readyState === EventSource.OPEN));
  events.addEventListener('ended', () => {
    events.close();
    streamUp.set(false);
  });
  events.addEventListener('entry', (message) => {
    const entry = JSON.parse((message as MessageEvent<string>).data) as Entry;
    arrivals.set(arrivals.get() + 1);
    if (!isUrgentArrival(entry, ownParty)) return;
    const alert: Alert = {
      id: `${entry.channel}/${entry.party}/${entry.seq}`,
      channel: entry.channel,
      party: entry.party,
      seq: entry.seq,
      precedence: entry.precedence as AlertPrecedence,
      entry,
    };
    if (alerts.get().some((a) => a.id === alert.id) || isOpen(alert)) return;
    alerts.set([alert, ...alerts.get()]);
    for (const listener of alertListeners) listener(alert);
  });
  // Opening the item (its inspector) is what clears its alert.
  stopRoute = currentRoute.subscribe(() => alerts.set(alerts.get().filter((a) => !isOpen(a))));
  return disconnectAlerts;
}

function isOpen(alert: Alert): boolean {
  const route = currentRoute.get();
  return (
    route.screen === 'timeline' &&
    route.channel === alert.channel &&
    route.entry === `${alert.party}/${alert.seq}`
  );
}

export function disconnectAlerts(): void {
  source?.close();
  source = null;
  stopRoute?.();
  stopRoute = null;
  alerts.set([]);
}
