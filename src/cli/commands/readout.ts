/** `parley readout …`: record readouts of calls, list them, and compare two point by point, over the API. */
import type { Command } from 'commander';
import type { Response } from '../api-client.js';
import { refOf } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print, printLines } from '../output.js';
import { parseRef } from '../parse.js';

type Alignment = Response<'GET /api/v1/channels/{channel}/readouts/alignment'>;
type Part = { text: string; mark: 'conflict' | 'differs' | null };

const SYMBOL: Record<string, string> = { same: '=', similar: '~', conflict: '≠', 'one-side': '·' };

/** A sentence with its conflicting words in [[double brackets]]. */
const marked = (parts: Part[] | null) =>
  (parts ?? [])
    .map((p) => (p.mark === 'conflict' ? `[[${p.text.trim()}]]${/\s$/.test(p.text) ? ' ' : ''}` : p.text))
    .join('')
    .trim();

function describeAlignment(result: Alignment): string {
  const side = (s: Alignment['a']) =>
    `${s.party} ${s.readout} (${s.lang}${s.translation ? `; compared through ${s.translation.id}, ${s.translation.lang}, ${s.translation.translator}, not authoritative` : ''})`;
  const lines = [`a: ${side(result.a)}`, `b: ${side(result.b)}`];
  if (!result.comparable)
    lines.push(
      'not comparable: the readouts are in different languages and neither has a translation into the other',
    );
  for (const p of result.points) {
    const label = p.label === 'similar' ? 'similar — check' : p.label;
    lines.push(
      `${SYMBOL[p.label]} ${label}${p.similarity && p.label !== 'same' ? ` (${p.similarity.toFixed(2)})` : ''}`,
    );
    if (p.a !== null) lines.push(`    a${p.a}: ${marked(p.aParts)}`);
    if (p.b !== null) lines.push(`    b${p.b}: ${marked(p.bParts)}`);
    for (const c of p.conflicts)
      lines.push(`    ${c.type}: ${c.a.join(', ') || '—'} / ${c.b.join(', ') || '—'}`);
  }
  const { counts } = result;
  lines.push(
    `${counts.same} same, ${counts.similar} similar, ${counts.conflict} conflict, ${counts['one-side']} on one side only`,
  );
  return lines.join('\n');
}

export function registerReadout(program: Command): void {
  const command = program
    .command('readout')
    .description("readouts of calls: each party's account in its own words, compared side by side");

  run(
    remoteCommand(command, 'list <channel>', "the channel's readouts, oldest first"),
    async (channel: string, options: Remote) => {
      const result = await client(options).get('/api/v1/channels/{channel}/readouts', { path: { channel } });
      printLines(
        options,
        result,
        result.readouts.map(
          (r) =>
            `${r.id}\t${r.party}\t${r.lang}${r.translations.length > 0 ? ` (+${r.translations.join(',')})` : ''}\t${r.of ? `of ${r.of}` : 'no briefing'}\n  ${r.text}`,
        ),
        '(no readouts)',
      );
    },
  );

  run(
    remoteCommand(command, 'post <channel>', 'record your readout of a call, signed by you')
      .requiredOption('--text <text>', 'the readout, in your words')
      .option('--lang <tag>', "its language (one of the channel's languages)")
      .option('--of <briefing>', 'the held briefing it reads out, as <party>/<seq>'),
    async (channel: string, options: Remote & { text: string; lang?: string; of?: string }) => {
      const api = client(options);
      const of = options.of ? parseRef(options.of, '--of') : null;
      const body = of
        ? { text: options.text, of: refOf(await api.entry(channel, of.party, of.seq)) }
        : { text: options.text };
      const entry = await api.postEntry(channel, {
        kind: 'readout',
        body,
        ...(options.lang ? { lang: options.lang } : {}),
      });
      print(options, entry, () => `readout recorded: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'compare <channel> <a> <b>',
      'two readouts (<party>/<seq>) point by point: same, similar — check, conflict ([[words]] marked) or one side only',
    ),
    async (channel: string, a: string, b: string, options: Remote) => {
      parseRef(a, 'a');
      parseRef(b, 'b');
      const result = await client(options).get('/api/v1/channels/{channel}/readouts/alignment', {
        path: { channel },
        query: { a, b },
      });
      print(options, result, () => describeAlignment(result));
    },
  );
}
