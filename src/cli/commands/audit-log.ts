/**
 * `parley audit-log`: the security audit trail, newest first: logins and failures, tokens,
 * passwords, accounts, peers, charter and key changes. On the node's machine it reads the data
 * directory; with `--url` (or PARLEY_URL) it asks a running node over the API with an
 * administrator's token. `parley verify` checks the trail's chain and signatures.
 */
import type { Command } from 'commander';
import { listSecurityEvents } from '../../workflows/audit-trail/queries.js';
import { SECURITY_ACTIONS } from '../../workflows/audit-trail/actions.js';
import { securityEventQuery, type SecurityEventPage } from '../../workflows/audit-trail/views.js';
import { client, dataDirOption, eitherRemoteOptions, run, type LocalOrRemote } from '../context.js';
import { LOCAL_OPERATOR, withNode } from '../local-node.js';
import { printLines } from '../output.js';
import { usage } from '../parse.js';

interface AuditLogOptions extends LocalOrRemote {
  action?: string;
  actor?: string;
  subject?: string;
  since?: string;
  until?: string;
  before?: string;
  limit: string;
}

/** One line per event: seq, time, action, actor, subject, address, details. */
export function formatSecurityEvent(event: SecurityEventPage['events'][number]): string {
  const details = Object.entries(event.details)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return [
    `#${event.seq}`,
    new Date(event.at).toISOString(),
    event.action,
    `by ${event.actor ?? '-'}`,
    event.subject ?? '-',
    event.address ?? '-',
    details,
  ]
    .join('\t')
    .trimEnd();
}

export function registerAuditLog(program: Command): void {
  run(
    eitherRemoteOptions(dataDirOption(program.command('audit-log')))
      .description(
        'the security audit trail, newest first (logins, tokens, accounts, peers, charter and key changes); ' +
          'on this machine from --data-dir, or with --url from a running node with an admin token',
      )
      .option('--action <name>', `only this action: ${SECURITY_ACTIONS.join(', ')}`)
      .option('--actor <id>', 'only events done by this user (or `node`)')
      .option('--subject <id>', 'only events concerning this user, token, peer or channel')
      .option('--since <time>', 'only events at or after this time (ISO 8601 or ms since 1970)')
      .option('--until <time>', 'only events before this time (ISO 8601 or ms since 1970)')
      .option('--before <seq>', 'only events older than this sequence number (the next page)')
      .option('--limit <n>', 'at most this many (1 to 1000)', '100'),
    async (options: AuditLogOptions) => {
      const query = {
        action: options.action,
        actor: options.actor,
        subject: options.subject,
        since: options.since,
        until: options.until,
        before: options.before,
        limit: options.limit,
      };
      let page: SecurityEventPage;
      if (options.url) {
        page = await client({ ...options, url: options.url }).get('/api/v1/audit-events', { query });
      } else {
        const parsed = securityEventQuery.safeParse(
          Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)),
        );
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw usage(`--${issue.path.join('.')}: ${issue.message}`);
        }
        page = await withNode(options.dataDir, (node) =>
          listSecurityEvents(node, LOCAL_OPERATOR, parsed.data),
        );
      }
      const lines = page.events.map(formatSecurityEvent);
      if (page.next !== null) lines.push(`(more: --before ${page.next})`);
      printLines(options, page, lines, '(no events)');
    },
  );
}
