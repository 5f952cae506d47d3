/** `parley statement …`: draft, revise, approve and release joint statements, over the API. */
import type { Command } from 'commander';
import type { EntryView } from '../../workflows/entries/present.js';
import type { Statement } from '../../workflows/statements/queries.js';
import { client, remoteOptions, type Remote } from '../context.js';
import { CliError, fail, print } from '../output.js';

async function find(options: Remote, channel: string, id: string): Promise<Statement> {
  const { statements } = await client(options).request<{ statements: Statement[] }>(
    'GET',
    `/api/v1/channels/${encodeURIComponent(channel)}/statements`,
  );
  const statement = statements.find((s) => s.statement === id);
  if (!statement) throw new CliError('not_found', `statement '${id}' does not exist in ${channel}`);
  return statement;
}

function post(options: Remote, channel: string, kind: string, body: unknown): Promise<EntryView> {
  return client(options).request<EntryView>(
    'POST',
    `/api/v1/channels/${encodeURIComponent(channel)}/entries`,
    {
      kind,
      body,
    },
  );
}

/** The newest version as a reference pinned by hash. */
function currentRef(statement: Statement) {
  const [, party, seq] = statement.current.split('/');
  const version = statement.versions.at(-1)!;
  return {
    of: { party: party!, seq: Number(seq), hash: '' },
    text: version.text,
    textHash: version.textHash,
  };
}

async function withHash(options: Remote, channel: string, statement: Statement) {
  const ref = currentRef(statement);
  const entry = await client(options).request<EntryView>(
    'GET',
    `/api/v1/channels/${encodeURIComponent(channel)}/entries/${ref.of.party}/${ref.of.seq}`,
  );
  return { ...ref, of: { ...ref.of, hash: entry.hash } };
}

export function registerStatements(program: Command): void {
  const command = program
    .command('statement')
    .description('joint statements: draft with [a | b] brackets, revise, approve, release');

  remoteOptions(command.command('draft <channel> <id>'))
    .description('start a statement; put disputed passages in brackets: [one wording | another]')
    .requiredOption('--title <title>', 'title')
    .requiredOption('--text <text>', 'text')
    .option('--json', 'print JSON')
    .action(async (channel: string, id: string, options: Remote & { title: string; text: string }) => {
      try {
        const entry = await post(options, channel, 'statement-draft', {
          statement: id,
          title: options.title,
          text: options.text,
        });
        print(options, entry, () => `statement ${id} drafted: ${entry.id}`);
      } catch (error) {
        fail(options, error);
      }
    });

  remoteOptions(command.command('revise <channel> <id>'))
    .description('a new version of the statement (resolving or adding brackets)')
    .requiredOption('--text <text>', 'the whole new text')
    .option('--title <title>', 'a new title')
    .option('--json', 'print JSON')
    .action(async (channel: string, id: string, options: Remote & { text: string; title?: string }) => {
      try {
        const statement = await find(options, channel, id);
        const { of } = await withHash(options, channel, statement);
        const entry = await post(options, channel, 'statement-draft', {
          statement: id,
          title: options.title ?? statement.title,
          text: options.text,
          revises: of,
        });
        print(options, entry, () => `statement ${id} revised: ${entry.id}`);
      } catch (error) {
        fail(options, error);
      }
    });

  for (const action of ['approve', 'release'] as const) {
    remoteOptions(command.command(`${action} <channel> <id>`))
      .description(
        action === 'approve'
          ? "approve the statement's current text (heads; bound to its hash)"
          : 'release the statement once every party approved the same text',
      )
      .option('--json', 'print JSON')
      .action(async (channel: string, id: string, options: Remote) => {
        try {
          const statement = await find(options, channel, id);
          const { of, textHash } = await withHash(options, channel, statement);
          const entry = await post(options, channel, `statement-${action}`, { of, textHash });
          print(
            options,
            entry,
            () => `statement ${id} ${action}d (sha256:${textHash.slice(0, 16)}…): ${entry.id}`,
          );
        } catch (error) {
          fail(options, error);
        }
      });
  }

  remoteOptions(command.command('list <channel>'))
    .description('statements with their state, current text and approvals')
    .option('--json', 'print JSON')
    .action(async (channel: string, options: Remote) => {
      try {
        const result = await client(options).request<{ statements: Statement[] }>(
          'GET',
          `/api/v1/channels/${encodeURIComponent(channel)}/statements`,
        );
        print(
          options,
          result,
          () =>
            result.statements
              .map(
                (s) =>
                  `${s.statement}\t${s.state}\t${s.title}\tapproved by ${s.approvals.map((a) => a.party).join(', ') || 'nobody'}${s.waitingFor.length > 0 ? `; waiting for ${s.waitingFor.join(', ')}` : ''}\n  ${s.versions.at(-1)!.text}`,
              )
              .join('\n') || '(no statements)',
        );
      } catch (error) {
        fail(options, error);
      }
    });
}
