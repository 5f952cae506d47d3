/** `parley send`, `parley inbox` and `parley ack`: a principal's everyday commands, over the API. */
import type { Command } from 'commander';
import { PRECEDENCES } from '../../core/entry.js';
import type { EntryView } from '../../workflows/entries/present.js';
import { client, remoteOptions, type Remote } from '../context.js';
import { CliError, fail, print } from '../output.js';
import { formatObligation } from './workflow.js';

/** One line per entry: id, precedence, time, author, kind and a summary. */
export function formatEntry(entry: EntryView): string {
  const body = entry.body as Record<string, unknown>;
  const summary =
    entry.kind === 'receipt'
      ? `${String(body.level)} ${(body.of as { party: string; seq: number }).party}/${(body.of as { seq: number }).seq}${body.readBack ? ` — read-back: ${String(body.readBack)}` : ''}`
      : String(body.subject ?? body.text ?? body.name ?? body.principal ?? '');
  const marking = entry.marking ? `[${entry.marking}] ` : '';
  return `${marking}${entry.id}\t${entry.precedence}\t${entry.hlc.slice(0, 19)}\t${entry.author}\t${entry.kind}\t[${entry.lang}] ${summary}`;
}

/** `--field area=Kaliningrad` → { area: 'Kaliningrad' }; integers stay numbers. */
function readBackFields(values: string[]): Record<string, string | number> {
  const fields: Record<string, string | number> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new CliError('validation_failed', `--field '${value}' must look like name=value`, 2);
    const text = value.slice(at + 1);
    fields[value.slice(0, at)] = /^-?\d{1,15}$/.test(text) ? Number(text) : text;
  }
  return fields;
}

export function registerEntries(program: Command): void {
  remoteOptions(program.command('send <channel> [text]'))
    .description('append a signed entry to a channel (a note by default); answers once it is durable')
    .option('--kind <kind>', 'entry kind', 'note')
    .option('--precedence <p>', PRECEDENCES.join(' | '), 'ROUTINE')
    .option('--lang <tag>', "language of the text (default: the channel's first language)")
    .option('--subject <subject>', 'subject line of a note')
    .option('--marking <marking>', 'TEST or EXERCISE for entries that are not real traffic')
    .option('--body-json <json>', 'the whole body as JSON (for kinds other than note)')
    .option('--json', 'print JSON')
    .action(
      async (
        channel: string,
        text: string | undefined,
        options: Remote & {
          kind: string;
          precedence: string;
          lang?: string;
          subject?: string;
          bodyJson?: string;
          marking?: string;
        },
      ) => {
        try {
          let body: unknown;
          if (options.bodyJson !== undefined) {
            try {
              body = JSON.parse(options.bodyJson);
            } catch {
              throw new CliError('validation_failed', '--body-json is not valid JSON', 2);
            }
          } else {
            if (!text) throw new CliError('validation_failed', 'give the text to send, or --body-json', 2);
            body = { text, ...(options.subject ? { subject: options.subject } : {}) };
          }
          const entry = await client(options).request<EntryView>(
            'POST',
            `/api/v1/channels/${encodeURIComponent(channel)}/entries`,
            {
              kind: options.kind,
              precedence: options.precedence,
              ...(options.lang ? { lang: options.lang } : {}),
              ...(options.marking ? { marking: options.marking.toUpperCase() } : {}),
              body,
            },
          );
          print(options, entry, () => `accepted ${entry.id} (hash ${entry.hash.slice(0, 16)}…)`);
        } catch (error) {
          fail(options, error);
        }
      },
    );

  remoteOptions(program.command('inbox'))
    .description(
      'entries awaiting your receipt, oldest first; with --owing what your party owes (soonest deadline first), with --owed what you are owed',
    )
    .option('--channel <id>', 'only this channel')
    .option('--owing', 'items awaiting a response, read-back review or answer from your party')
    .option('--owed', 'your items not yet delivered, understood or answered')
    .option('--office <id>', 'with --owing/--owed: for this office rather than for you')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(
      async (
        options: Remote & {
          channel?: string;
          limit: string;
          owing?: boolean;
          owed?: boolean;
          office?: string;
        },
      ) => {
        try {
          if (options.owing && options.owed)
            throw new CliError('validation_failed', 'give --owing or --owed, not both', 2);
          if (options.office && !options.owing && !options.owed)
            throw new CliError('validation_failed', '--office goes with --owing or --owed', 2);
          if (options.owing || options.owed) {
            const query = new URLSearchParams({
              direction: options.owing ? 'owing' : 'owed',
              limit: options.limit,
              ...(options.channel ? { channel: options.channel } : {}),
              ...(options.office ? { office: options.office } : {}),
            });
            const result = await client(options).request<{
              obligations: Parameters<typeof formatObligation>[0][];
            }>('GET', `/api/v1/obligations?${query}`);
            print(
              options,
              result,
              () =>
                result.obligations.map(formatObligation).join('\n') ||
                (options.owing ? '(you owe nothing)' : '(nothing is owed to you)'),
            );
            return;
          }
          const query = new URLSearchParams({
            limit: options.limit,
            ...(options.channel ? { channel: options.channel } : {}),
          });
          const inbox = await client(options).request<{ entries: EntryView[] }>(
            'GET',
            `/api/v1/inbox?${query}`,
          );
          print(
            options,
            inbox,
            () => inbox.entries.map(formatEntry).join('\n') || '(nothing awaits your receipt)',
          );
        } catch (error) {
          fail(options, error);
        }
      },
    );

  remoteOptions(program.command('ack <entry>'))
    .description('acknowledge an entry (<channel>/<party>/<seq>) as read or understood')
    .option('--level <level>', 'read | understood', 'understood')
    .option('--read-back <text>', 'your restatement of the key terms (with understood)')
    .option('--lang <tag>', "language of the read-back (default: the channel's first language)")
    .option(
      '--field <name=value>',
      'read back one structured field of a notification (repeatable); compared automatically',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--json', 'print JSON')
    .action(
      async (
        entryId: string,
        options: Remote & { level: string; readBack?: string; lang?: string; field: string[] },
      ) => {
        try {
          const match = /^([^/]+)\/([^/]+)\/(\d+)$/.exec(entryId);
          if (!match)
            throw new CliError(
              'validation_failed',
              'entry must be <channel>/<party>/<seq>, e.g. intelligence/US/4',
              2,
            );
          const [, channel, party, seq] = match;
          const receipt = await client(options).request<EntryView>(
            'POST',
            `/api/v1/channels/${encodeURIComponent(channel!)}/entries/${encodeURIComponent(party!)}/${seq}/receipts`,
            {
              level: options.level,
              ...(options.readBack ? { readBack: options.readBack } : {}),
              ...(options.lang ? { lang: options.lang } : {}),
              ...(options.field.length > 0 ? { readBackFields: readBackFields(options.field) } : {}),
            },
          );
          print(options, receipt, () => `${options.level} receipt ${receipt.id} recorded for ${entryId}`);
        } catch (error) {
          fail(options, error);
        }
      },
    );
}
