/**
 * `parley channel create|accept|list` (on the node's machine; `list` also over the API), `parley channel change|agree`
 * (over the API, as a head): a channel's charter, who accepts it, and the changes every party must
 * agree to before they take effect; `parley channel metrics`: a channel's figures.
 */
import type { Command } from 'commander';
import { refOf } from '../api-client.js';
import {
  client,
  eitherRemoteOptions,
  localCommand,
  remoteCommand,
  run,
  type Local,
  type LocalOrRemote,
  type Remote,
} from '../context.js';
import { acceptChannelLocally, createChannelLocally, listChannelsLocally } from '../local-node.js';
import { print, printLines } from '../output.js';
import { metricsText } from './commitment.js';
import { collect, deadlines, list, parseEntryId, partyOffices, usage } from '../parse.js';

interface CreateOptions extends Local {
  name: string;
  offices: string;
  languages: string;
  peer: string[];
  observer: string[];
  deadline: string[];
}

interface ChangeOptions extends Remote {
  reason: string;
  languages?: string;
  deadline: string[];
  observer: string[];
  party: string[];
}

export function registerChannel(program: Command): void {
  const channel = program.command('channel').description('manage channels');
  run(
    localCommand(
      channel,
      'create <id>',
      'create a channel between offices; its signed charter is the first entry',
    )
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
      ),
    async (id: string, options: CreateOptions) => {
      const created = await createChannelLocally(options.dataDir, {
        id,
        name: options.name,
        offices: list(options.offices),
        languages: list(options.languages),
        peers: partyOffices(options.peer, '--peer'),
        observers: partyOffices(options.observer, '--observer'),
        ...(options.deadline.length > 0 ? { objectives: deadlines(options.deadline) } : {}),
      });
      print(
        options,
        created,
        () => `channel ${created.id} created: ${created.name} [${created.offices.join(', ')}]`,
      );
    },
  );
  run(
    localCommand(
      channel,
      'accept <id>',
      'accept a channel another party proposed; it becomes active when every party has',
    ),
    async (id: string, options: Local) => {
      const accepted = await acceptChannelLocally(options.dataDir, id);
      print(
        options,
        accepted,
        () => `channel ${accepted.id} accepted by this party; state: ${accepted.state}`,
      );
    },
  );

  run(
    remoteCommand(
      channel,
      'metrics <id>',
      'contacts per week, response times by precedence (median, p90) and open items of a channel',
    ).option('--weeks <n>', 'weeks of contact counts, up to this one (1-104)', '12'),
    async (id: string, options: Remote & { weeks: string }) => {
      const weeks = Number(options.weeks);
      if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104)
        throw usage(`--weeks '${options.weeks}' must be a whole number from 1 to 104`);
      const metrics = await client(options).get('/api/v1/channels/{channel}/metrics', {
        path: { channel: id },
        query: { weeks },
      });
      print(options, metrics, () => metricsText(metrics));
    },
  );

  run(
    remoteCommand(
      channel,
      'change <id> <change>',
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
      ),
    async (id: string, change: string, options: ChangeOptions) => {
      if (!['suspend', 'resume', 'amend'].includes(change))
        throw usage('the change is suspend, resume or amend');
      const charter = {
        ...(options.languages ? { languages: list(options.languages) } : {}),
        ...(options.deadline.length > 0 ? { objectives: deadlines(options.deadline) } : {}),
        ...(options.observer.length > 0 ? { observers: partyOffices(options.observer, '--observer') } : {}),
        ...(options.party.length > 0 ? { parties: partyOffices(options.party, '--party') } : {}),
      };
      if ((change === 'amend') !== Object.keys(charter).length > 0)
        throw usage('--languages, --deadline, --observer and --party go with amend, which needs one');
      const entry = await client(options).postEntry(id, {
        kind: 'channel-change',
        body: { change, reason: options.reason, ...(change === 'amend' ? { charter } : {}) },
      });
      print(
        options,
        entry,
        () => `proposed ${change} of ${id}: ${entry.id}; in effect once every party agrees`,
      );
    },
  );

  run(
    remoteCommand(
      channel,
      'agree <change>',
      "agree to another party's proposed change <channel>/<party>/<seq> (heads)",
    ),
    async (changeId: string, options: Remote) => {
      const { channel, party, seq } = parseEntryId(changeId, 'the change must be <channel>/<party>/<seq>');
      const api = client(options);
      const proposal = await api.entry(channel, party, seq);
      const entry = await api.postEntry(channel, {
        kind: 'channel-change-agree',
        body: { of: refOf(proposal) },
      });
      print(options, entry, () => `agreed to ${changeId}: ${entry.id}`);
    },
  );

  run(
    eitherRemoteOptions(
      localCommand(
        channel,
        'list',
        "list this node's channels (with --url: the channels your token may read)",
      ),
    ),
    async (options: LocalOrRemote) => {
      const channels = options.url
        ? await client({ ...options, url: options.url }).get('/api/v1/channels', {})
        : await listChannelsLocally(options.dataDir);
      printLines(
        options,
        channels,
        channels.map((c) => `${c.id}\t${c.state}\t${c.name}\t[${c.offices.join(', ')}]`),
        '(no channels)',
      );
    },
  );
}
