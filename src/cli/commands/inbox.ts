/**
 * `parley inbox`: entries awaiting your receipt, or with --owing / --owed the obligations your
 * party owes or is owed (responses, read-back reviews, answers), over the API.
 */
import type { Command } from 'commander';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { formatEntry, formatObligation } from '../format.js';
import { printLines } from '../output.js';
import { usage } from '../parse.js';

interface InboxOptions extends Remote {
  channel?: string;
  limit: string;
  owing?: boolean;
  owed?: boolean;
  office?: string;
}

export function registerInbox(program: Command): void {
  run(
    remoteCommand(
      program,
      'inbox',
      'entries awaiting your receipt, oldest first; with --owing what your party owes (soonest deadline first), with --owed what you are owed',
    )
      .option('--channel <id>', 'only this channel')
      .option('--owing', 'items awaiting a response, read-back review or answer from your party')
      .option('--owed', 'your items not yet delivered, understood or answered')
      .option('--office <id>', 'with --owing/--owed: for this office rather than for you')
      .option('--limit <n>', 'at most this many', '100'),
    async (options: InboxOptions) => {
      if (options.owing && options.owed) throw usage('give --owing or --owed, not both');
      if (options.office && !options.owing && !options.owed)
        throw usage('--office goes with --owing or --owed');
      const api = client(options);
      if (options.owing || options.owed) {
        const result = await api.get('/api/v1/obligations', {
          query: {
            direction: options.owing ? 'owing' : 'owed',
            limit: options.limit,
            channel: options.channel,
            office: options.office,
          },
        });
        printLines(
          options,
          result,
          result.obligations.map(formatObligation),
          options.owing ? '(you owe nothing)' : '(nothing is owed to you)',
        );
        return;
      }
      const inbox = await api.get('/api/v1/inbox', {
        query: { limit: options.limit, channel: options.channel },
      });
      printLines(options, inbox, inbox.entries.map(formatEntry), '(nothing awaits your receipt)');
    },
  );
}
