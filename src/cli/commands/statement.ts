/**
 * `parley statement …`: joint statements over the API. Draft with disputed passages in brackets
 * (`[one wording | another]`); each bracket is resolved by one party proposing its wording and
 * every other party agreeing; a resolution may be reopened until every party approved the whole
 * text; heads approve the exact hash of the settled text (`--hash`); the release, optionally
 * embargoed until a time, freezes it.
 */
import type { Command } from 'commander';
import type { ApiClient, Response } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { CliError, print, printLines } from '../output.js';
import { usage } from '../parse.js';

type Statement = Response<'GET /api/v1/channels/{channel}/statements'>['statements'][number];

const statementsOf = (api: ApiClient, channel: string) =>
  api.get('/api/v1/channels/{channel}/statements', { path: { channel } });

async function find(api: ApiClient, channel: string, id: string): Promise<Statement> {
  const { statements } = await statementsOf(api, channel);
  const statement = statements.find((s) => s.statement === id);
  if (!statement) throw new CliError('not_found', `statement '${id}' does not exist in ${channel}`);
  return statement;
}

/** An entry of the channel (`<channel>/<party>/<seq>` or `<party>/<seq>`), pinned by hash. */
async function pin(api: ApiClient, channel: string, id: string) {
  const [party, seq] = id.split('/').slice(-2);
  const entry = await api.entry(channel, party!, Number(seq));
  return { party: entry.party, seq: entry.seq, hash: entry.hash };
}

/** The `--bracket` number, checked against the current version. */
function bracketOf(statement: Statement, value: string) {
  const index = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  const bracket = statement.brackets[index];
  if (!bracket)
    throw usage(
      `--bracket must be the number of a bracket of the current version (0 to ${statement.brackets.length - 1}); it has ${statement.brackets.length}`,
    );
  return bracket;
}

function liveResolution(statement: Statement, value: string) {
  const bracket = bracketOf(statement, value);
  if (!bracket.resolution)
    throw new CliError('state_conflict', `bracket ${bracket.index} has no proposed resolution to answer`);
  return bracket.resolution;
}

function describe(s: Statement): string {
  const embargo = s.released?.embargoUntil ? ` (embargoed until ${s.released.embargoUntil})` : '';
  return [
    `${s.statement}\t${s.state}${s.state === 'embargoed' ? embargo : ''}\t${s.title}\tapproved by ${s.approvals.map((a) => a.party).join(', ') || 'nobody'}${s.waitingFor.length > 0 && !s.released ? `; waiting for ${s.waitingFor.join(', ')}` : ''}`,
    `  ${s.text}`,
    `  sha256 ${s.textHash}`,
    ...s.brackets.map((b) => {
      const live = s.resolutions.find((r) => r.key === b.resolution);
      return `  bracket ${b.index} ${b.source}: ${live ? `${b.resolved ? 'resolved' : 'proposed'} “${live.text}” by ${live.party}, agreed by ${live.agreedBy.join(', ')}` : 'open'}`;
    }),
    ...s.refused.map((r) => `  not applied: ${r.id} (${r.kind}): ${r.reason}`),
  ].join('\n');
}

export function registerStatement(program: Command): void {
  const command = program
    .command('statement')
    .description(
      'joint statements: draft with [a | b] brackets, resolve each by every party, approve the exact hash, release',
    );

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
      'a new version of the statement; it keeps every bracket not resolved by every party',
    )
      .requiredOption('--text <text>', 'the whole new text')
      .option('--title <title>', 'a new title'),
    async (channel: string, id: string, options: Remote & { text: string; title?: string }) => {
      const api = client(options);
      const statement = await find(api, channel, id);
      const entry = await api.postEntry(channel, {
        kind: 'statement-draft',
        body: {
          statement: id,
          title: options.title ?? statement.title,
          text: options.text,
          revises: await pin(api, channel, statement.current),
        },
      });
      print(options, entry, () => `statement ${id} revised: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'resolve <channel> <id>',
      'propose the wording of one bracket; it is resolved once every other party agrees',
    )
      .requiredOption('--bracket <n>', 'the bracket, numbered from 0 (see `statement show`)')
      .requiredOption('--text <wording>', 'the wording in place of the bracket'),
    async (channel: string, id: string, options: Remote & { bracket: string; text: string }) => {
      const api = client(options);
      const statement = await find(api, channel, id);
      const bracket = bracketOf(statement, options.bracket);
      const entry = await api.postEntry(channel, {
        kind: 'statement-resolution',
        body: { of: await pin(api, channel, statement.current), bracket: bracket.index, text: options.text },
      });
      print(options, entry, () => `resolution of bracket ${bracket.index} proposed: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'agree <channel> <id>',
      'agree to the proposed wording of one bracket',
    ).requiredOption('--bracket <n>', 'the bracket, numbered from 0'),
    async (channel: string, id: string, options: Remote & { bracket: string }) => {
      const api = client(options);
      const statement = await find(api, channel, id);
      const resolution = liveResolution(statement, options.bracket);
      const entry = await api.postEntry(channel, {
        kind: 'statement-resolution-agree',
        body: {
          of: await pin(api, channel, statement.current),
          resolution: await pin(api, channel, resolution),
        },
      });
      print(options, entry, () => `agreed to ${resolution} (bracket ${options.bracket}): ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'reopen <channel> <id>',
      'reopen the resolution of one bracket (until every party approved the whole text)',
    )
      .requiredOption('--bracket <n>', 'the bracket, numbered from 0')
      .requiredOption('--reason <text>', 'why'),
    async (channel: string, id: string, options: Remote & { bracket: string; reason: string }) => {
      const api = client(options);
      const statement = await find(api, channel, id);
      const resolution = liveResolution(statement, options.bracket);
      const entry = await api.postEntry(channel, {
        kind: 'statement-reopen',
        body: {
          of: await pin(api, channel, statement.current),
          resolution: await pin(api, channel, resolution),
          reason: options.reason,
        },
      });
      print(options, entry, () => `bracket ${options.bracket} reopened: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'approve <channel> <id>',
      "approve the statement's exact text (heads), named by its hash as `statement show` prints it",
    ).requiredOption('--hash <sha256>', 'the SHA-256 of the text you approve; a stale hash is refused'),
    async (channel: string, id: string, options: Remote & { hash: string }) => {
      const hash = options.hash.replace(/^sha256:/, '');
      if (!/^[0-9a-f]{64}$/.test(hash)) throw usage('--hash must be the 64 hex digits of a SHA-256 hash');
      const api = client(options);
      const statement = await find(api, channel, id);
      const entry = await api.postEntry(channel, {
        kind: 'statement-approve',
        body: { of: await pin(api, channel, statement.current), textHash: hash },
      });
      print(options, entry, () => `statement ${id} approved (sha256:${hash.slice(0, 16)}…): ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'release <channel> <id>',
      'release the statement once every party approved the same text; frozen from then on',
    ).option('--embargo <time>', 'embargoed until this UTC time, e.g. 2026-02-22T09:00Z (in the future)'),
    async (channel: string, id: string, options: Remote & { embargo?: string }) => {
      const api = client(options);
      const statement = await find(api, channel, id);
      const entry = await api.postEntry(channel, {
        kind: 'statement-release',
        body: {
          of: await pin(api, channel, statement.current),
          textHash: statement.textHash,
          ...(options.embargo ? { embargoUntil: options.embargo } : {}),
        },
      });
      print(
        options,
        entry,
        () =>
          `statement ${id} released${options.embargo ? ` under embargo until ${options.embargo}` : ''} (sha256:${statement.textHash.slice(0, 16)}…): ${entry.id}`,
      );
    },
  );

  run(
    remoteCommand(command, 'list <channel>', 'statements with their state, current text and approvals'),
    async (channel: string, options: Remote) => {
      const result = await statementsOf(client(options), channel);
      printLines(options, result, result.statements.map(describe), '(no statements)');
    },
  );

  run(
    remoteCommand(command, 'show <channel> <id>', 'one statement: its text, hash, brackets and resolutions'),
    async (channel: string, id: string, options: Remote) => {
      const statement = await find(client(options), channel, id);
      print(options, statement, () => describe(statement));
    },
  );
}
