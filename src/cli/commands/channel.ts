/** `parley channel create|list` (on the node's machine) and `parley log` (over the API). */
import type { Command } from 'commander';
import type { Channel } from '../../storage/storage.js';
import type { EntryView } from '../../workflows/entries/present.js';
import { LOCAL_OPERATOR, dataDirOption, client, remoteOptions, type Remote, withNode } from '../context.js';
import { CliError, fail, print } from '../output.js';
import { formatEntry } from './entries.js';
import { acceptChannel, createChannel } from '../../workflows/channels/commands.js';

interface Common {
  dataDir: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Parses repeated `PARTY=office,office` flags. */
function partyOffices(values: string[], flag: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const value of values) {
    const match = /^([A-Z][A-Z0-9]{1,15})=(.+)$/.exec(value);
    if (!match)
      throw new CliError('validation_failed', `${flag} '${value}' must look like US=us-cia,us-nsc`, 2);
    result[match[1]!] = list(match[2]!);
  }
  return result;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `FLASH=1/10` → { FLASH: { deliveryMinutes: 1, responseMinutes: 10 } }. */
function deadlines(values: string[]): Record<string, { deliveryMinutes: number; responseMinutes: number }> {
  const result: Record<string, { deliveryMinutes: number; responseMinutes: number }> = {};
  for (const value of values) {
    const match = /^(ROUTINE|PRIORITY|IMMEDIATE|FLASH)=(\d+)\/(\d+)$/.exec(value);
    if (!match)
      throw new CliError('validation_failed', `--deadline '${value}' must look like FLASH=1/10 (minutes)`, 2);
    result[match[1]!] = { deliveryMinutes: Number(match[2]), responseMinutes: Number(match[3]) };
  }
  return result;
}

export function registerChannel(program: Command): void {
  const channel = program.command('channel').description('manage channels');
  dataDirOption(channel.command('create <id>'))
    .description('create a channel between offices; its signed charter is the first entry')
    .requiredOption('--name <name>', 'channel name')
    .requiredOption('--offices <ids>', 'comma-separated member offices')
    .option('--languages <tags>', 'comma-separated BCP 47 tags; the first is the default', 'en')
    .option(
      '--peer <party=offices>',
      "another party's member offices, e.g. US=us-cia (repeatable)",
      collect,
      [],
    )
    .option(
      '--observer <party=offices>',
      'read-only offices of a party, e.g. NATO=nato-sg (repeatable)',
      collect,
      [],
    )
    .option(
      '--deadline <precedence=delivery/response>',
      'minutes to prove delivery and to respond, e.g. FLASH=1/10 (repeatable; defaults: FLASH 1/10, IMMEDIATE 5/30, PRIORITY 30/180, ROUTINE 180/1440)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        options: Common & {
          name: string;
          offices: string;
          languages: string;
          peer: string[];
          observer: string[];
          deadline: string[];
        },
      ) => {
        try {
          const created = await withNode(options.dataDir, (node) =>
            createChannel(node, LOCAL_OPERATOR, {
              id,
              name: options.name,
              offices: list(options.offices),
              languages: list(options.languages),
              peers: partyOffices(options.peer, '--peer'),
              observers: partyOffices(options.observer, '--observer'),
              ...(options.deadline.length > 0 ? { objectives: deadlines(options.deadline) } : {}),
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
      },
    );
  dataDirOption(channel.command('accept <id>'))
    .description('accept a channel another party proposed; it becomes active when every party has')
    .option('--json', 'print JSON')
    .action(async (id: string, options: Common) => {
      try {
        const accepted = await withNode(options.dataDir, (node) => acceptChannel(node, LOCAL_OPERATOR, id));
        print(
          options,
          accepted,
          () => `channel ${accepted.id} accepted by this party; state: ${accepted.state}`,
        );
      } catch (error) {
        fail(options, error);
      }
    });

  remoteOptions(channel.command('change <id> <change>'))
    .description(
      'propose to suspend, resume or amend (--languages, --deadline, --observer, --party) a channel; in effect once every party agrees (heads)',
    )
    .requiredOption('--reason <text>', 'why, shown to every party')
    .option('--languages <tags>', 'amend: the new comma-separated languages')
    .option(
      '--deadline <precedence=delivery/response>',
      'amend: new deadlines, e.g. FLASH=1/5 (repeatable)',
      collect,
      [],
    )
    .option(
      '--observer <party=offices>',
      'amend: the observer offices from now on, e.g. NATO=nato-sg (repeatable; the party must be a pinned peer)',
      collect,
      [],
    )
    .option(
      '--party <party=offices>',
      'amend: a party that joins as a writer, e.g. FR=fr-ops (repeatable; pinned peer; it then accepts with `parley channel accept`)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        change: string,
        options: Remote & {
          reason: string;
          languages?: string;
          deadline: string[];
          observer: string[];
          party: string[];
        },
      ) => {
        try {
          if (!['suspend', 'resume', 'amend'].includes(change))
            throw new CliError('validation_failed', 'the change is suspend, resume or amend', 2);
          const charter = {
            ...(options.languages ? { languages: list(options.languages) } : {}),
            ...(options.deadline.length > 0 ? { objectives: deadlines(options.deadline) } : {}),
            ...(options.observer.length > 0
              ? { observers: partyOffices(options.observer, '--observer') }
              : {}),
            ...(options.party.length > 0 ? { parties: partyOffices(options.party, '--party') } : {}),
          };
          if ((change === 'amend') !== Object.keys(charter).length > 0)
            throw new CliError(
              'validation_failed',
              '--languages, --deadline, --observer and --party go with amend, which needs one',
              2,
            );
          const entry = await client(options).request<EntryView>(
            'POST',
            `/api/v1/channels/${encodeURIComponent(id)}/entries`,
            {
              kind: 'channel-change',
              body: { change, reason: options.reason, ...(change === 'amend' ? { charter } : {}) },
            },
          );
          print(
            options,
            entry,
            () => `proposed ${change} of ${id}: ${entry.id}; in effect once every party agrees`,
          );
        } catch (error) {
          fail(options, error);
        }
      },
    );

  remoteOptions(channel.command('agree <change>'))
    .description("agree to another party's proposed change <channel>/<party>/<seq> (heads)")
    .option('--json', 'print JSON')
    .action(async (changeId: string, options: Remote) => {
      try {
        const match = /^([^/]+)\/([^/]+)\/(\d+)$/.exec(changeId);
        if (!match) throw new CliError('validation_failed', 'the change must be <channel>/<party>/<seq>', 2);
        const api = client(options);
        const proposal = await api.request<EntryView>(
          'GET',
          `/api/v1/channels/${encodeURIComponent(match[1]!)}/entries/${match[2]}/${match[3]}`,
        );
        const entry = await api.request<EntryView>(
          'POST',
          `/api/v1/channels/${encodeURIComponent(match[1]!)}/entries`,
          {
            kind: 'channel-change-agree',
            body: { of: { party: proposal.party, seq: proposal.seq, hash: proposal.hash } },
          },
        );
        print(options, entry, () => `agreed to ${changeId}: ${entry.id}`);
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
          const api = client(options);
          const page = await api.request<{ entries: EntryView[] }>(
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
