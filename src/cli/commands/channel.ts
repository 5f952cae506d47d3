/** `parley channel create|list` (on the node's machine) and `parley log` (over the API). */
import type { Command } from 'commander';
import type { Channel } from '../../storage/storage.js';
import type { EntryView } from '../../node/parley-node.js';
import { ApiClient } from '../api-client.js';
import { LOCAL_OPERATOR, dataDirOption, remoteOptions, withNode } from '../context.js';
import { fail, print } from '../output.js';
import { formatEntry } from './entries.js';

interface Common {
  dataDir: string;
  json?: boolean;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function registerChannel(program: Command): void {
  const channel = program.command('channel').description('manage channels');
  dataDirOption(channel.command('create <id>'))
    .description('create a channel between offices; its signed charter is the first entry')
    .requiredOption('--name <name>', 'channel name')
    .requiredOption('--offices <ids>', 'comma-separated member offices')
    .option('--languages <tags>', 'comma-separated BCP 47 tags; the first is the default', 'en')
    .option('--json', 'print JSON')
    .action(async (id: string, options: Common & { name: string; offices: string; languages: string }) => {
      try {
        const created = await withNode(options.dataDir, (node) =>
          node.createChannel(LOCAL_OPERATOR, {
            id,
            name: options.name,
            offices: list(options.offices),
            languages: list(options.languages),
          }),
        );
        print(
          options,
          created,
          () => `channel ${created.id} created: ${created.name} [${created.offices.join(', ')}]`,
        );
      } catch (error) {
        fail(options, error);
      }
    });
  dataDirOption(channel.command('list'))
    .description('list channels')
    .option('--json', 'print JSON')
    .action(async (options: Common) => {
      try {
        const channels: Channel[] = await withNode(options.dataDir, (node) => node.storage.listChannels());
        print(
          options,
          channels,
          () =>
            channels.map((c) => `${c.id}\t${c.state}\t${c.name}\t[${c.offices.join(', ')}]`).join('\n') ||
            '(no channels)',
        );
      } catch (error) {
        fail(options, error);
      }
    });

  remoteOptions(program.command('log <channel>'))
    .description('show the entries of a channel')
    .option('--after <cursor>', 'only entries after this cursor', '0')
    .option('--limit <n>', 'at most this many entries', '100')
    .option('--json', 'print JSON')
    .action(
      async (
        channelId: string,
        options: { url: string; token?: string; after: string; limit: string; json?: boolean },
      ) => {
        try {
          const client = new ApiClient(options.url, options.token ?? process.env.PARLEY_TOKEN);
          const page = await client.request<{ entries: EntryView[] }>(
            'GET',
            `/api/v1/channels/${encodeURIComponent(channelId)}/entries?after=${encodeURIComponent(options.after)}&limit=${encodeURIComponent(options.limit)}`,
          );
          print(options, page, () => page.entries.map(formatEntry).join('\n') || '(no entries)');
        } catch (error) {
          fail(options, error);
        }
      },
    );
}
