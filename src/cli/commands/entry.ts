/**
 * `parley send`, `parley log`, `parley ack` and `parley status`: a principal's everyday commands on
 * the entries of a channel, over the API as the person whose token is used.
 */
import type { Command } from 'commander';
import { PRECEDENCES } from '../../core/entry.js';
import type { Marking, Precedence } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { formatEntry, formatObligation } from '../format.js';
import { print, printLines } from '../output.js';
import { assignments, collect, parseEntryId, parseJson, parseRef, usage } from '../parse.js';

interface SendOptions extends Remote {
  kind: string;
  precedence: string;
  lang?: string;
  subject?: string;
  bodyJson?: string;
  marking?: string;
  refersTo?: string;
}

interface AckOptions extends Remote {
  level: string;
  readBack?: string;
  lang?: string;
  field: string[];
}

/** `--field area=Kaliningrad` → { area: 'Kaliningrad' }; integers stay numbers. */
function readBackFields(values: string[]): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(assignments(values, '--field', 'name=value')).map(([name, text]) => [
      name,
      /^-?\d{1,15}$/.test(text) ? Number(text) : text,
    ]),
  );
}

export function registerEntry(program: Command): void {
  run(
    remoteCommand(
      program,
      'send <channel> [text]',
      'append a signed entry to a channel (a note by default); answers once it is durable',
    )
      .option('--kind <kind>', 'entry kind', 'note')
      .option('--precedence <p>', PRECEDENCES.join(' | '), 'ROUTINE')
      .option('--lang <tag>', "language of the text (default: the channel's first language)")
      .option('--subject <subject>', 'subject line of a note')
      .option('--refers-to <party/seq>', 'the public statement the note refers to, e.g. RU/12')
      .option('--marking <marking>', 'TEST or EXERCISE for entries that are not real traffic')
      .option('--body-json <json>', 'the whole body as JSON (for kinds other than note)'),
    async (channel: string, text: string | undefined, options: SendOptions) => {
      let body: Record<string, unknown>;
      if (options.bodyJson !== undefined) {
        body = parseJson(options.bodyJson, '--body-json is not valid JSON') as Record<string, unknown>;
      } else {
        if (!text) throw usage('give the text to send, or --body-json');
        body = { text, ...(options.subject ? { subject: options.subject } : {}) };
      }
      const api = client(options);
      if (options.refersTo !== undefined) {
        const { party, seq } = parseRef(options.refersTo, '--refers-to');
        const referred = await api.entry(channel, party, seq);
        body.refersTo = { party, seq, hash: referred.hash };
      }
      // The node validates precedence and marking; the CLI passes on what was typed.
      const entry = await api.postEntry(channel, {
        kind: options.kind,
        precedence: options.precedence as Precedence,
        ...(options.lang ? { lang: options.lang } : {}),
        ...(options.marking ? { marking: options.marking.toUpperCase() as Marking } : {}),
        body,
      });
      print(options, entry, () => `accepted ${entry.id} (hash ${entry.hash.slice(0, 16)}…)`);
    },
  );

  run(
    remoteCommand(program, 'log <channel>', 'show the entries of a channel')
      .option('--after <cursor>', 'only entries after this cursor', '0')
      .option('--limit <n>', 'at most this many entries', '100'),
    async (channel: string, options: Remote & { after: string; limit: string }) => {
      const page = await client(options).get('/api/v1/channels/{channel}/entries', {
        path: { channel },
        query: { after: options.after, limit: options.limit },
      });
      printLines(options, page, page.entries.map(formatEntry), '(no entries)');
    },
  );

  run(
    remoteCommand(
      program,
      'ack <entry>',
      'acknowledge an entry (<channel>/<party>/<seq>) as read or understood',
    )
      .option('--level <level>', 'read | understood', 'understood')
      .option('--read-back <text>', 'your restatement of the key terms (with understood)')
      .option('--lang <tag>', "language of the read-back (default: the channel's first language)")
      .option(
        '--field <name=value>',
        'read back one structured field of a notification (repeatable); compared automatically',
        collect,
        [] as string[],
      ),
    async (entryId: string, options: AckOptions) => {
      const path = parseEntryId(entryId);
      const receipt = await client(options).post(
        '/api/v1/channels/{channel}/entries/{party}/{seq}/receipts',
        {
          path,
          body: {
            level: options.level as 'read' | 'understood',
            ...(options.readBack ? { readBack: options.readBack } : {}),
            ...(options.lang ? { lang: options.lang } : {}),
            ...(options.field.length > 0 ? { readBackFields: readBackFields(options.field) } : {}),
          },
        },
      );
      print(options, receipt, () => `${options.level} receipt ${receipt.id} recorded for ${entryId}`);
    },
  );

  run(
    remoteCommand(
      program,
      'status <entry>',
      "one item's status: delivery, each party's answer and read-back, questions, deadlines, escalations",
    ),
    async (id: string, options: Remote) => {
      const status = await client(options).get('/api/v1/channels/{channel}/entries/{party}/{seq}/status', {
        path: parseEntryId(id),
      });
      print(options, status, () =>
        [
          `${id} ${status.precedence}${status.marking ? ` [${status.marking}]` : ''}: ${status.resolved ? 'resolved' : 'open'} (deadlines: delivery ${status.objectives.deliveryMinutes} min, response ${status.objectives.responseMinutes} min)`,
          ...status.delivery.map((d) => `  ${d.party}: ${d.state}`),
          ...status.responses.map(
            (r) => `  ${r.party} answer: ${r.state}${r.detail ? ` — ${r.detail}` : ''}`,
          ),
          ...status.clarifications.map(
            (c) => `  question ${c.request.id}: ${c.answer ? 'answered' : 'open'}`,
          ),
          ...status.obligations.map((o) => `  owed: ${formatObligation(o)}`),
          ...status.escalations.map(
            (e) => `  escalated ${e.id}: ${e.owedBy} ${e.step} (due ${e.due}) → ${e.notify.join(', ')}`,
          ),
        ].join('\n'),
      );
    },
  );
}
