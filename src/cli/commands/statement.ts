/** `parley statement …`: draft, revise, approve and release joint statements, over the API. */
import type { Command } from 'commander';
import type { ApiClient, Response } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { CliError, print, printLines } from '../output.js';

type Statement = Response<'GET /api/v1/channels/{channel}/statements'>['statements'][number];

const statementsOf = (api: ApiClient, channel: string) =>
  api.get('/api/v1/channels/{channel}/statements', { path: { channel } });

async function find(api: ApiClient, channel: string, id: string): Promise<Statement> {
  const { statements } = await statementsOf(api, channel);
  const statement = statements.find((s) => s.statement === id);
  if (!statement) throw new CliError('not_found', `statement '${id}' does not exist in ${channel}`);
  return statement;
}

/** The newest version, as a reference pinned by hash, and the hash of its text. */
async function currentVersion(api: ApiClient, channel: string, statement: Statement) {
  const [, party, seq] = statement.current.split('/');
  const version = statement.versions.at(-1)!;
  const entry = await api.entry(channel, party!, Number(seq));
  return { of: { party: party!, seq: Number(seq), hash: entry.hash }, textHash: version.textHash };
}

export function registerStatement(program: Command): void {
  const command = program
    .command('statement')
    .description('joint statements: draft with [a | b] brackets, revise, approve, release');

  run(
    remoteCommand(
      command,
      'draft <channel> <id>',
      'start a statement; put disputed passages in brackets: [one wording | another]',
    )
      .requiredOption('--title <title>', 'title')
      .requiredOption('--text <text>', 'text'),
    async (channel: string, id: string, options: Remote & { title: string; text: string }) => {
      const entry = await client(options).postEntry(channel, {
        kind: 'statement-draft',
        body: { statement: id, title: options.title, text: options.text },
      });
      print(options, entry, () => `statement ${id} drafted: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'revise <channel> <id>',
      'a new version of the statement (resolving or adding brackets)',
    )
      .requiredOption('--text <text>', 'the whole new text')
      .option('--title <title>', 'a new title'),
    async (channel: string, id: string, options: Remote & { text: string; title?: string }) => {
      const api = client(options);
      const statement = await find(api, channel, id);
      const { of } = await currentVersion(api, channel, statement);
      const entry = await api.postEntry(channel, {
        kind: 'statement-draft',
        body: { statement: id, title: options.title ?? statement.title, text: options.text, revises: of },
      });
      print(options, entry, () => `statement ${id} revised: ${entry.id}`);
    },
  );

  for (const action of ['approve', 'release'] as const) {
    run(
      remoteCommand(
        command,
        `${action} <channel> <id>`,
        action === 'approve'
          ? "approve the statement's current text (heads; bound to its hash)"
          : 'release the statement once every party approved the same text',
      ),
      async (channel: string, id: string, options: Remote) => {
        const api = client(options);
        const statement = await find(api, channel, id);
        const { of, textHash } = await currentVersion(api, channel, statement);
        const entry = await api.postEntry(channel, { kind: `statement-${action}`, body: { of, textHash } });
        print(
          options,
          entry,
          () => `statement ${id} ${action}d (sha256:${textHash.slice(0, 16)}…): ${entry.id}`,
        );
      },
    );
  }

  run(
    remoteCommand(command, 'list <channel>', 'statements with their state, current text and approvals'),
    async (channel: string, options: Remote) => {
      const result = await statementsOf(client(options), channel);
      printLines(
        options,
        result,
        result.statements.map(
          (s) =>
            `${s.statement}\t${s.state}\t${s.title}\tapproved by ${s.approvals.map((a) => a.party).join(', ') || 'nobody'}${s.waitingFor.length > 0 ? `; waiting for ${s.waitingFor.join(', ')}` : ''}\n  ${s.versions.at(-1)!.text}`,
        ),
        '(no statements)',
      );
    },
  );
}
