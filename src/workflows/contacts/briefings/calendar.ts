/**
 * Briefings as an iCalendar feed (RFC 5545), written with `ical-generator`: one VEVENT per
 * occurrence, so each can be accepted, moved or cancelled on its own. The UID is the briefing's
 * entry id and the occurrence's original start, stable across exports, so a subscribed calendar
 * updates the event in place; SEQUENCE counts the changes to it. Cancelled occurrences stay in
 * the feed with STATUS:CANCELLED so that subscribers remove them; accepted and held ones are
 * CONFIRMED, the rest TENTATIVE.
 */
import ical, { ICalEventStatus } from 'ical-generator';
import type { BriefingView, OccurrenceView } from './fold.js';

const MINUTE = 60_000;

function statusOf(o: OccurrenceView): ICalEventStatus {
  if (o.state === 'cancelled') return ICalEventStatus.CANCELLED;
  if (o.state === 'accepted' || o.state === 'held') return ICalEventStatus.CONFIRMED;
  return ICalEventStatus.TENTATIVE;
}

function description(b: BriefingView, o: OccurrenceView, channel: string): string {
  const lines = [
    `${b.type === 'call' ? 'Call' : 'Briefing'} in channel ${channel}, proposed by ${b.proposedBy} (${b.party}).`,
    `State: ${o.state}.`,
    `Participants: ${b.participants.map((p) => p.office).join(', ')}.`,
  ];
  if (b.agenda.length > 0) lines.push('Agenda:', ...b.agenda.map((item, i) => `${i + 1}. ${item}`));
  const last = o.changes.at(-1);
  if (last) lines.push(`Last change: ${last.change} (${last.reason}).`);
  return lines.join('\n');
}

/** The iCalendar text of these briefings' occurrences. */
export function briefingCalendar(
  name: string,
  host: string,
  items: ReadonlyArray<{ channel: string; briefing: BriefingView }>,
): string {
  const calendar = ical({ name, prodId: { company: 'Parley', product: 'briefings', language: 'EN' } });
  for (const { channel, briefing } of items) {
    for (const o of briefing.occurrences) {
      const start = new Date(o.minutes ? o.minutes.heldAt : o.start);
      const duration = o.minutes ? o.minutes.durationMinutes : o.durationMinutes;
      calendar.createEvent({
        id: `${briefing.id}/${o.occurrence}@${host}`,
        start,
        end: new Date(start.getTime() + duration * MINUTE),
        stamp: new Date(Date.parse(briefing.at.slice(0, 24))),
        sequence: o.changes.length,
        summary: `${o.state === 'postponed' ? '(postponed) ' : ''}${briefing.title}`,
        description: description(briefing, o, channel),
        status: statusOf(o),
      });
    }
  }
  return calendar.toString();
}
