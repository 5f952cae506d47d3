/**
 * A channel's figures as the API and the CLI give them (the pure computations: metrics.ts).
 */
import type { Principal } from '../../storage/storage.js';
import { readableChannel } from '../channels/queries.js';
import type { NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';
import { timeOf } from '../obligations/fold.js';
import { loadLedger } from '../obligations/queries.js';
import { invitationObligations } from './invitations/queries.js';
import { contactsPerWeek, responseTimes } from './metrics.js';
import { READ_LIMIT, commitmentLapses, contactEvents } from './queries.js';

/**
 * A channel's figures at `now`: contact per ISO week (the contact the cadence counts), response
 * times by precedence (median and p90), and what is still owed in it, by kind of obligation.
 */
export async function channelMetrics(node: NodeContext, actor: Principal, channelId: string, weeks = 12) {
  const channel = await readableChannel(node, actor, channelId);
  const now = node.now();
  const [events, entries, ledger, invitations, lapses] = await Promise.all([
    contactEvents(node, channel),
    node.storage.readChannel(channel.id, 0, READ_LIMIT),
    loadLedger(node, channel),
    invitationObligations(node, channel, now),
    commitmentLapses(node, channel, now),
  ]);
  const open = [...ledger.obligations(now), ...invitations, ...lapses.map((l) => l.obligation)];
  const types = [...new Set(open.map((o) => o.type))].sort();
  const past = events.filter((e) => e.at <= now).map((e) => e.at);
  return {
    channel: channel.id,
    at: new Date(now).toISOString(),
    lastContact: past.length > 0 ? new Date(Math.max(...past)).toISOString() : null,
    contactsPerWeek: contactsPerWeek(events, now, weeks).map((w) => ({
      week: w.week,
      from: new Date(w.from).toISOString(),
      contacts: w.contacts,
    })),
    responseTimes: responseTimes(entries.map(toLogged).map((e) => ({ ...e, at: timeOf(e) }))),
    open: {
      total: open.length,
      overdue: open.filter((o) => o.overdue).length,
      byType: types.map((type) => ({
        type,
        count: open.filter((o) => o.type === type).length,
        overdue: open.filter((o) => o.type === type && o.overdue).length,
      })),
    },
  };
}
