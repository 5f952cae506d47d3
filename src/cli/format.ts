/** One-line renderings of the API's entries and obligations, shared by several commands. */
import type { Entry, Obligation } from './api-client.js';

/** A time for people: an entry's clock stamp (`…Z/000001`) or an ISO time, to the second, UTC. */
export function plainTime(at: string): string {
  const iso = at.replace(/\/\d+$/, '');
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : at;
}

/** One line per entry: id, precedence, time, author, kind and a summary. */
export function formatEntry(entry: Entry): string {
  const body = entry.body;
  const summary =
    entry.kind === 'receipt'
      ? `${String(body.level)} ${(body.of as { party: string; seq: number }).party}/${(body.of as { seq: number }).seq}${body.readBack ? ` — read-back: ${String(body.readBack)}` : ''}`
      : String(body.subject ?? body.text ?? body.name ?? body.principal ?? '');
  const marking = entry.marking ? `[${entry.marking}] ` : '';
  return `${marking}${entry.id}\t${entry.precedence}\t${entry.hlc.slice(0, 19)}\t${entry.author}\t${entry.kind}\t[${entry.lang}] ${summary}`;
}

/** One line per obligation: due time, state, what, who owes whom. */
export function formatObligation(o: Obligation): string {
  const marking = o.about.marking ? ` [${o.about.marking}]` : '';
  const state = o.overdue ? 'OVERDUE' : 'due';
  // What it is about last, so the columns before it stay where scripts expect them.
  const about = [o.subject, o.excerpt].filter(Boolean).join(': ');
  return `${state} ${o.due.slice(0, 16)}Z\t${o.about.precedence}${marking}\t${o.type}\t${o.about.id}\t${o.owedBy} → ${o.owedTo}${o.note ? `\t(${o.note})` : ''}${about ? `\t${about}` : ''}`;
}

const UNITS: Record<string, string> = { D: 'day', W: 'week', M: 'month', Y: 'year' };

/** `P1M` → `every month`, `P14D` → `every 14 days`: a period as people say it (JSON keeps the ISO form). */
export function everyWords(every: string): string {
  const match = /^P(\d+)([DWMY])$/.exec(every);
  if (!match) return `every ${every}`;
  const unit = UNITS[match[2]!]!;
  return match[1] === '1' ? `every ${unit}` : `every ${Number(match[1])} ${unit}s`;
}
