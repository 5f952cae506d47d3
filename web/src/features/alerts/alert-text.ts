/** What an alert says, in the interface language: who sent what, where, and its first words. */
import { summarizeEntry } from '../channels/entry-summary';
import type { Alert } from './alert-store';
import { t } from './messages';

const EXCERPT = 140;

export function alertText(alert: Alert): { title: string; body: string } {
  const summary = summarizeEntry(alert.entry);
  const words = [summary.subject, summary.text].filter(Boolean).join(' — ');
  return {
    title: `${t(`precedence${alert.precedence}`)} ${t('alertFrom')} ${alert.party} ${t('alertIn')} ${alert.channel}`,
    body: words.length > EXCERPT ? `${words.slice(0, EXCERPT - 1)}…` : words,
  };
}
