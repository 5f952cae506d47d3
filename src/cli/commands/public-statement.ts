/**
 * `parley public-statement …`: the public record of a channel, apart from the private one. What
 * someone said in public, recorded with attribution (speaker, office, party, where and when it
 * was published, who relayed it, its language); it expects no receipt and creates no duty. A
 * note refers to one with `parley send … --refers-to <party>/<seq>`.
 */
import type { Command } from 'commander';
import type { Response } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print, printLines } from '../output.js';
import { parseRef } from '../parse.js';

type PublicStatement =
  Response<'GET /api/v1/channels/{channel}/public-statements'>['publicStatements'][number];

interface AddOptions extends Remote {
  speaker: string;
  office: string;
  party: string;
  venue: string;
  sourceUrl?: string;
  publishedAt: string;
  relayedBy?: string;
  language: string;
  text: string;
}

function describe(s: PublicStatement): string {
  return [
    `${s.id}\t${s.publishedAt}\t${s.speaker} (${s.office}, ${s.party})\t${s.venue}${s.url ? ` <${s.url}>` : ''}`,
    `  [${s.language}] ${s.text}`,
    `  recorded by ${s.recordedBy.by} (${s.recordedBy.party})${s.relayedBy ? `; relayed by ${s.relayedBy}` : ''}${s.referredBy.length > 0 ? `; referred to by ${s.referredBy.map((r) => r.id).join(', ')}` : ''}`,
  ].join('\n');
}

export function registerPublicStatement(program: Command): void {
  const command = program
    .command('public-statement')
    .description('the public record: what was said in public, attributed, apart from the private record');

  run(
    remoteCommand(command, 'add <channel>', 'record a public statement with attribution (creates no duty)')
      .requiredOption('--speaker <who>', 'who spoke, e.g. "Secretary General"')
      .requiredOption('--office <office>', "the speaker's office")
      .requiredOption('--party <party>', "the speaker's party or organisation, e.g. NATO")
      .requiredOption('--venue <where>', 'where it was published: a venue, a press conference, a publication')
      .option('--source-url <url>', 'the published address (http or https)')
      .requiredOption(
        '--published-at <time>',
        'when, a UTC date or time such as 2026-02-22T09:00Z (not in the future)',
      )
      .option('--relayed-by <who>', 'who relayed it, when not heard first-hand')
      .requiredOption('--language <tag>', 'the language it was made in, e.g. en')
      .requiredOption('--text <text>', 'what was said'),
    async (channel: string, options: AddOptions) => {
      const entry = await client(options).postEntry(channel, {
        kind: 'public-statement',
        body: {
          speaker: options.speaker,
          office: options.office,
          party: options.party,
          venue: options.venue,
          ...(options.sourceUrl ? { url: options.sourceUrl } : {}),
          publishedAt: options.publishedAt,
          ...(options.relayedBy ? { relayedBy: options.relayedBy } : {}),
          language: options.language,
          text: options.text,
        },
      });
      print(options, entry, () => `public statement recorded: ${entry.id}`);
    },
  );

  run(
    remoteCommand(command, 'list <channel>', "the channel's public statements, newest first"),
    async (channel: string, options: Remote) => {
      const result = await client(options).get('/api/v1/channels/{channel}/public-statements', {
        path: { channel },
      });
      printLines(options, result, result.publicStatements.map(describe), '(no public statements)');
    },
  );

  run(
    remoteCommand(
      command,
      'show <channel> <party/seq>',
      'one public statement, with the entries referring to it',
    ),
    async (channel: string, id: string, options: Remote) => {
      const { party, seq } = parseRef(id.split('/').slice(-2).join('/'), '<party/seq>');
      const statement = await client(options).get(
        '/api/v1/channels/{channel}/public-statements/{party}/{seq}',
        {
          path: { channel, party, seq },
        },
      );
      print(options, statement, () => describe(statement));
    },
  );
}
