/**
 * `parley invitation …`: invitations to visits and meetings over the API: propose (what, where,
 * a date window, an answer date in the future), accept, decline, counter-propose another window
 * or place, withdraw; list the threads.
 */
import type { Command } from 'commander';
import type { ApiClient, Response } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { CliError, print, printLines } from '../output.js';
import { parseEntryId, usage } from '../parse.js';

type Invitation = Response<'GET /api/v1/channels/{channel}/invitations'>['invitations'][number];

/** The thread an `<channel>/<party>/<seq>` argument names, and its current terms, pinned by hash. */
async function thread(api: ApiClient, id: string) {
  const { channel, party, seq } = parseEntryId(
    id,
    'invitation must be <channel>/<party>/<seq>, e.g. intel/RU/7',
  );
  const { invitations } = await api.get('/api/v1/channels/{channel}/invitations', { path: { channel } });
  const found = invitations.find((i) => i.id === `${channel}/${party}/${seq}`);
  if (!found) throw new CliError('entry_not_found', `invitation ${id} does not exist`);
  const pin = async (entryId: string) => {
    const e = await api.entryById(entryId);
    return { party: e.party, seq: e.seq, hash: e.hash };
  };
  return { channel, invitation: found, of: await pin(found.id), to: await pin(found.current.id) };
}

function describe(i: Invitation): string {
  const c = i.current;
  return [
    `${i.id}\t${i.type}\t${i.what}\t${i.state}${i.overdue ? ' (overdue)' : ''}`,
    `  ${c.where}, ${c.window.from} – ${c.window.to}; answer by ${c.respondBy}${i.proposals.length > 1 ? ` (counter-proposal ${c.id})` : ''}${i.awaiting.length > 0 ? `; awaiting ${i.awaiting.join(', ')}` : ''}`,
    ...i.refused.map((r) => `  not applied: ${r.id} (${r.kind}): ${r.reason}`),
  ].join('\n');
}

export function registerInvitation(program: Command): void {
  const command = program
    .command('invitation')
    .description('invitations to visits and meetings: propose, accept, decline, counter-propose, withdraw');

  run(
    remoteCommand(command, 'propose <channel>', 'invite the other side to a visit or meeting')
      .requiredOption('--what <text>', 'what it is')
      .requiredOption('--where <place>', 'where')
      .requiredOption('--from <date>', 'window start, e.g. 2026-03-10')
      .requiredOption('--to <date>', 'window end, e.g. 2026-03-12')
      .requiredOption('--respond-by <date>', 'answer date, in the future (a date runs to its end, UTC)')
      .option('--type <type>', 'visit or meeting', 'visit')
      .option('--text <text>', 'the invitation text'),
    async (
      channel: string,
      options: Remote & {
        what: string;
        where: string;
        from: string;
        to: string;
        respondBy: string;
        type: string;
        text?: string;
      },
    ) => {
      const entry = await client(options).postEntry(channel, {
        kind: 'invitation-proposal',
        body: {
          type: options.type,
          what: options.what,
          where: options.where,
          window: { from: options.from, to: options.to },
          respondBy: options.respondBy,
          ...(options.text ? { text: options.text } : {}),
        },
      });
      print(options, entry, () => `invitation sent: ${entry.id}`);
    },
  );

  run(
    remoteCommand(command, 'list <channel>', 'invitation threads: current terms, state, who is to answer'),
    async (channel: string, options: Remote) => {
      const result = await client(options).get('/api/v1/channels/{channel}/invitations', {
        path: { channel },
      });
      printLines(options, result, result.invitations.map(describe), '(no invitations)');
    },
  );

  for (const answer of ['accept', 'decline'] as const) {
    run(
      remoteCommand(command, `${answer} <invitation>`, `${answer} the invitation's current terms`).option(
        '--note <text>',
        'a note',
      ),
      async (id: string, options: Remote & { note?: string }) => {
        const api = client(options);
        const { channel, of, to } = await thread(api, id);
        const entry = await api.postEntry(channel, {
          kind: 'invitation-response',
          body: { of, to, answer, ...(options.note ? { note: options.note } : {}) },
        });
        print(options, entry, () => `${answer}ed: ${entry.id}`);
      },
    );
  }

  run(
    remoteCommand(command, 'counter <invitation>', 'counter-propose another window or place')
      .requiredOption('--respond-by <date>', 'answer date for the new terms, in the future')
      .option('--where <place>', 'another place')
      .option('--from <date>', 'another window: start')
      .option('--to <date>', 'another window: end')
      .option('--note <text>', 'a note'),
    async (
      id: string,
      options: Remote & { respondBy: string; where?: string; from?: string; to?: string; note?: string },
    ) => {
      if ((options.from === undefined) !== (options.to === undefined))
        throw usage('give both --from and --to for another window');
      const api = client(options);
      const { channel, of, to } = await thread(api, id);
      const entry = await api.postEntry(channel, {
        kind: 'invitation-counter',
        body: {
          of,
          to,
          respondBy: options.respondBy,
          ...(options.where ? { where: options.where } : {}),
          ...(options.from ? { window: { from: options.from, to: options.to! } } : {}),
          ...(options.note ? { note: options.note } : {}),
        },
      });
      print(options, entry, () => `counter-proposal sent: ${entry.id}`);
    },
  );

  run(
    remoteCommand(command, 'withdraw <invitation>', 'withdraw an invitation this party sent').option(
      '--reason <text>',
      'why',
    ),
    async (id: string, options: Remote & { reason?: string }) => {
      const api = client(options);
      const { channel, of } = await thread(api, id);
      const entry = await api.postEntry(channel, {
        kind: 'invitation-withdraw',
        body: { of, ...(options.reason ? { reason: options.reason } : {}) },
      });
      print(options, entry, () => `withdrawn: ${entry.id}`);
    },
  );
}
