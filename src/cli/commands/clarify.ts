/**
 * `parley clarify ask|answer|list`: asking about an exact passage of an item's original text,
 * answering such a question, and the open questions of a channel. Over the API.
 */
import type { Command } from 'commander';
import { refOf } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print, printLines } from '../output.js';
import { usage } from '../parse.js';

export function registerClarify(program: Command): void {
  const clarify = program
    .command('clarify')
    .description('ask about an exact passage of an item, answer, list');
  run(
    remoteCommand(clarify, 'ask <entry>', 'ask about a passage of the original text of an item')
      .requiredOption('--quote <text>', 'the passage, exactly as in the original text')
      .option('--start <n>', 'where the passage starts (UTF-16 offset) when it occurs more than once')
      .requiredOption('--question <text>', 'the question'),
    async (id: string, options: Remote & { quote: string; start?: string; question: string }) => {
      const api = client(options);
      const item = await api.entryById(id);
      const text = typeof item.body.text === 'string' ? item.body.text : '';
      const start = options.start !== undefined ? Number(options.start) : text.indexOf(options.quote);
      if (!Number.isInteger(start) || start < 0)
        throw usage(`the passage “${options.quote}” is not in the original text of ${id}`);
      const entry = await api.postAbout(item, 'clarification-request', {
        of: refOf(item),
        passage: { start, end: start + options.quote.length, quote: options.quote },
        question: options.question,
      });
      print(options, entry, () => `clarification requested: ${entry.id}`);
    },
  );
  run(
    remoteCommand(
      clarify,
      'answer <request>',
      'answer a clarification request about one of your party’s items',
    ).requiredOption('--text <text>', 'the answer'),
    async (id: string, options: Remote & { text: string }) => {
      const api = client(options);
      const request = await api.entryById(id);
      const entry = await api.postAbout(request, 'clarification', { of: refOf(request), text: options.text });
      print(options, entry, () => `answered ${id}: ${entry.id}`);
    },
  );
  run(
    remoteCommand(
      clarify,
      'list <channel>',
      'open clarification requests of a channel (all with --all)',
    ).option('--all', 'include answered ones'),
    async (channel: string, options: Remote & { all?: boolean }) => {
      const result = await client(options).get('/api/v1/channels/{channel}/clarifications', {
        path: { channel },
        query: { state: options.all ? 'all' : 'open' },
      });
      printLines(
        options,
        result,
        result.clarifications.map(
          (c) =>
            `${c.id}\ton ${c.item}\t“${c.passage.quote}”\t${c.question}\t${c.answer ? `answered: ${c.answer.text}` : `due ${c.due.slice(0, 16)}Z`}`,
        ),
        '(no open clarification requests)',
      );
    },
  );
}
