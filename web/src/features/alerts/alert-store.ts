/**
 * What the node-wide live stream (lib/node-stream.ts) means for a duty officer: every
 * arrival wakes the screens that show counts (channel list, navigation), and each FLASH or
 * IMMEDIATE entry from another party becomes an alert that stays until its item is opened
 * (issue "A watch floor console": a FLASH nobody can miss).
 */
import type { Entry } from '../../lib/api';
import { connectNodeStream, onNodeEntry, streamUp } from '../../lib/node-stream';
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
export { streamUp };
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

let stop: (() => void) | null = null;

/** Joins the node-wide stream for the signed-in person; returns the function that leaves it. */
export function connectAlerts(ownParty: string): () => void {
  disconnectAlerts();
  const leave = connectNodeStream();
  const stopEntries = onNodeEntry((entry) => {
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
  const stopRoute = currentRoute.subscribe(() => alerts.set(alerts.get().filter((a) => !isOpen(a))));
  stop = () => {
    stopEntries();
    stopRoute();
    leave();
  };
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
  stop?.();
  stop = null;
  alerts.set([]);
}
