/**
 * `parley search <words…>`: entries of the channels you may read that hold every word (in any
 * inflection, Russian or English), newest first, each with its id and a snippet in which the
 * matching words are [bracketed]; over the API.
 */
import type { Command } from 'commander';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { printLines } from '../output.js';

interface SearchOptions extends Remote {
  channel?: string;
  party?: string;
  kind?: string;
  precedence?: string;
  marking?: string;
  from?: string;
  to?: string;
  before?: string;
  limit: string;
}

type Hit = {
  id: string;
  kind: string;
  author: string;
  at: string;
  precedence: string;
  marking: string | null;
  snippet: Array<{ text: string; match: boolean }>;
};

function formatHit(hit: Hit): string {
  const marks = [hit.precedence === 'ROUTINE' ? null : hit.precedence, hit.marking].filter(Boolean).join(' ');
  const snippet = hit.snippet.map((p) => (p.match ? `[${p.text}]` : p.text)).join('');
  return `${hit.id}  ${hit.at.slice(0, 16).replace('T', ' ')}  ${hit.kind} by ${hit.author}${marks ? `  ${marks}` : ''}\n    ${snippet}`;
}

export function registerSearch(program: Command): void {
  run(
    remoteCommand(
      program,
      'search <words...>',
      'entries of the channels you may read holding every word (other inflections match), newest first',
    )
      .option('--channel <id>', 'only this channel')
      .option('--party <party>', "only entries of this party's chain, e.g. US")
      .option('--kind <kind>', 'only this kind, e.g. note or notification')
      .option('--precedence <p>', 'only ROUTINE, PRIORITY, IMMEDIATE or FLASH')
      .option('--marking <m>', 'only TEST or EXERCISE traffic, or none for real traffic')
      .option('--from <date>', 'written on or after, e.g. 2026-12-01 or 2026-12-01T06:00:00Z')
      .option('--to <date>', 'written before, e.g. 2026-12-02')
      .option('--before <cursor>', 'the next page: the cursor printed after the previous one')
      .option('--limit <n>', 'at most this many (1-100)', '20'),
    async (words: string[], options: SearchOptions) => {
      const api = client(options);
      const result = await api.get('/api/v1/search', {
        query: {
          q: words.join(' '),
          channel: options.channel,
          party: options.party,
          kind: options.kind,
          precedence: options.precedence as 'ROUTINE' | undefined,
          marking: options.marking as 'TEST' | undefined,
          from: options.from,
          to: options.to,
          before: options.before,
          limit: options.limit,
        },
      });
      const lines = result.hits.map(formatHit);
      if (result.next !== null) lines.push(`(more: --before ${result.next})`);
      printLines(options, result, lines, '(nothing found)');
    },
  );
}
