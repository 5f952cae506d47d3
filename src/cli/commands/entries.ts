/** `parley send`, `parley inbox` and `parley ack`: a principal's everyday commands, over the API. */
import type { Command } from 'commander';
import { PRECEDENCES } from '../../core/entry.js';
import type { EntryView } from '../../node/parley-node.js';
import { ApiClient } from '../api-client.js';
import { remoteOptions } from '../context.js';
import { CliError, fail, print } from '../output.js';

interface Remote {
  url: string;
  token?: string;
  json?: boolean;
}

function client(options: Remote): ApiClient {
  return new ApiClient(options.url, options.token ?? process.env.PARLEY_TOKEN);
}

/** One line per entry: id, precedence, time, author, kind and a summary. */
export function formatEntry(entry: EntryView): string {
  const body = entry.body as Record<string, unknown>;
  const summary =
    entry.kind === 'receipt'
      ? `${String(body.level)} ${(body.of as { party: string; seq: number }).party}/${(body.of as { seq: number }).seq}${body.readBack ? ` — read-back: ${String(body.readBack)}` : ''}`
      : String(body.subject ?? body.text ?? body.name ?? body.principal ?? '');
  return `${entry.id}\t${entry.precedence}\t${entry.hlc.slice(0, 19)}\t${entry.author}\t${entry.kind}\t[${entry.lang}] ${summary}`;
}

export function registerEntries(program: Command): void {
  remoteOptions(program.command('send <channel> [text]'))
    .description('append a signed entry to a channel (a note by default); answers once it is durable')
    .option('--kind <kind>', 'entry kind', 'note')
    .option('--precedence <p>', PRECEDENCES.join(' | '), 'ROUTINE')
    .option('--lang <tag>', "language of the text (default: the channel's first language)")
    .option('--subject <subject>', 'subject line of a note')
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
    .description('entries awaiting your receipt, oldest first')
    .option('--channel <id>', 'only this channel')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(async (options: Remote & { channel?: string; limit: string }) => {
      try {
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
    });

  remoteOptions(program.command('ack <entry>'))
    .description('acknowledge an entry (<channel>/<party>/<seq>) as read or understood')
    .option('--level <level>', 'read | understood', 'understood')
    .option('--read-back <text>', 'your restatement of the key terms (with understood)')
    .option('--lang <tag>', "language of the read-back (default: the channel's first language)")
    .option('--json', 'print JSON')
    .action(
      async (entryId: string, options: Remote & { level: string; readBack?: string; lang?: string }) => {
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
            },
          );
          print(options, receipt, () => `${options.level} receipt ${receipt.id} recorded for ${entryId}`);
        } catch (error) {
          fail(options, error);
        }
      },
    );
}
