/**
 * `parley translate` and `parley translations`: translations with provenance (never
 * authoritative), checked against the channel's glossary, over the API.
 */
import type { Command } from 'commander';
import { PRECEDENCES } from '../../core/entry.js';
import { refOf, type ApiClient, type Precedence } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print } from '../output.js';
import { parseRef } from '../parse.js';

interface TranslateOptions extends Remote {
  lang: string;
  text: string;
  machine?: string;
  precedence?: string;
}

const translationsOf = (api: ApiClient, channel: string, ref: { party: string; seq: number }) =>
  api.get('/api/v1/channels/{channel}/translations', {
    path: { channel },
    query: { of: `${ref.party}/${ref.seq}` },
  });

export function registerTranslation(program: Command): void {
  run(
    remoteCommand(
      program,
      'translate <channel> <original>',
      'attach a translation (never authoritative) of an entry <party>/<seq>, signed by you; --machine names the tool that produced it',
    )
      .requiredOption('--lang <tag>', "language of the translation (another of the channel's languages)")
      .requiredOption('--text <text>', 'the translated text')
      .option('--machine <tool>', 'machine translation: name and version of the tool')
      .option('--precedence <p>', `${PRECEDENCES.join(' | ')} (default: the original's)`),
    async (channel: string, original: string, options: TranslateOptions) => {
      const ref = parseRef(original, 'the original');
      const api = client(options);
      const target = await api.entry(channel, ref.party, ref.seq);
      const entry = await api.postEntry(channel, {
        kind: 'translation',
        precedence: (options.precedence as Precedence | undefined) ?? target.precedence,
        lang: options.lang,
        body: {
          of: refOf(target),
          text: options.text,
          translator: options.machine ? { type: 'machine', tool: options.machine } : { type: 'person' },
        },
      });
      const view = await translationsOf(api, channel, ref);
      const warnings = view.translations.find((t) => t.id === entry.id)?.warnings ?? [];
      print(options, { entry, warnings }, () =>
        [
          `translation ${entry.id} of ${target.id} recorded (not authoritative)`,
          ...warnings.map(
            (w) =>
              `warning: glossary term '${w.term}': the original says "${w.original}", expected "${w.expected}"`,
          ),
        ].join('\n'),
      );
    },
  );

  run(
    remoteCommand(
      program,
      'translations <channel> <original>',
      'show an entry <party>/<seq> with its translations and their glossary warnings',
    ),
    async (channel: string, original: string, options: Remote) => {
      const view = await translationsOf(client(options), channel, parseRef(original, 'the original'));
      print(options, view, () =>
        [
          `${view.original.id} [${view.original.lang}, authoritative] ${view.original.text}`,
          ...view.translations.map((t) => {
            const by =
              t.translator.type === 'machine'
                ? `machine ${t.translator.tool}, sent by ${t.author}`
                : t.author;
            const flags = t.warnings
              .map((w) => `\n    warning: '${w.term}' should read "${w.expected}"`)
              .join('');
            return `  ${t.id} [${t.lang}, not authoritative, ${by}] ${t.text}${flags}`;
          }),
        ].join('\n'),
      );
    },
  );
}
