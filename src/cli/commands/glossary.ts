/** `parley glossary list|propose|agree`: the glossary of terms every party has agreed, over the API. */
import type { Command } from 'commander';
import { refOf, type Response } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print } from '../output.js';
import { assignments, collect, parseRef, usage } from '../parse.js';

type Glossary = Response<'GET /api/v1/channels/{channel}/glossary'>;

const renderingsOf = (renderings: Record<string, string>): string =>
  Object.entries(renderings)
    .map(([lang, text]) => `${lang}: ${text}`)
    .join(' | ');

function formatGlossary(glossary: Glossary): string {
  const lines = [
    ...glossary.agreed.map(
      (term) =>
        `${term.term}\tagreed ${term.agreedAt.slice(0, 19)}\t${renderingsOf(term.renderings)}\t(${term.id})`,
    ),
    ...glossary.pending.map(
      (term) =>
        `${term.term}\twaiting for ${term.waitingFor.join(', ')}\t${renderingsOf(term.renderings)}\t(${term.id})`,
    ),
  ];
  return lines.join('\n') || '(no glossary terms)';
}

export function registerGlossary(program: Command): void {
  const glossary = program.command('glossary').description('the glossary of terms every party has agreed');
  run(
    remoteCommand(glossary, 'list <channel>', 'agreed terms and proposals waiting for parties'),
    async (channel: string, options: Remote) => {
      const state = await client(options).get('/api/v1/channels/{channel}/glossary', { path: { channel } });
      print(options, state, () => formatGlossary(state));
    },
  );

  run(
    remoteCommand(
      glossary,
      'propose <channel> <term>',
      'propose a term with its rendering in every channel language (heads and translators)',
    )
      .option(
        '--rendering <lang=text>',
        'the rendering in one language, e.g. ru=учения (repeatable)',
        collect,
        [],
      )
      .option('--note <note>', 'why, or how to use it'),
    async (channel: string, term: string, options: Remote & { rendering: string[]; note?: string }) => {
      const renderings = assignments(options.rendering, '--rendering', 'en=exercise');
      if (options.rendering.length === 0)
        throw usage('give --rendering <lang=text> for every channel language');
      const entry = await client(options).postEntry(channel, {
        kind: 'glossary-term',
        body: { term, renderings, ...(options.note ? { note: options.note } : {}) },
      });
      print(
        options,
        entry,
        () => `glossary term '${term}' proposed as ${entry.id}; agreed once every party signs`,
      );
    },
  );

  run(
    remoteCommand(
      glossary,
      'agree <channel> <proposal>',
      "agree to another party's proposed term <party>/<seq> (heads and translators)",
    ),
    async (channel: string, proposal: string, options: Remote) => {
      const ref = parseRef(proposal, 'the proposal');
      const api = client(options);
      const target = await api.entry(channel, ref.party, ref.seq);
      const entry = await api.postEntry(channel, {
        kind: 'glossary-agree',
        body: { of: refOf(target) },
      });
      print(options, entry, () => `agreed to ${target.id} with ${entry.id}`);
    },
  );
}
