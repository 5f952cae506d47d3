/**
 * `parley translate`, `parley glossary list|propose|agree`, `parley template list|publish` and
 * `parley notify`: translations with provenance, the glossary of agreed terms and formatted
 * notifications, over the API as the person whose token is used.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PRECEDENCES } from '../../core/entry.js';
import type { GlossaryState } from '../../workflows/language/glossary.js';
import type { TranslationsView } from '../../workflows/language/queries.js';
import type { EntryView } from '../../workflows/entries/present.js';
import type { TemplatesView } from '../../workflows/templates/queries.js';
import type { ApiClient } from '../api-client.js';
import { client, remoteOptions, type Remote } from '../context.js';
import { CliError, fail, print } from '../output.js';

const channelPath = (channel: string): string => `/api/v1/channels/${encodeURIComponent(channel)}`;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Parses `<party>/<seq>` (e.g. RU/4), naming the flag or argument when it does not fit. */
function parseRef(value: string, what: string): { party: string; seq: number } {
  const match = /^([A-Z][A-Z0-9]{1,15})\/(\d{1,15})$/.exec(value);
  if (!match) throw new CliError('validation_failed', `${what} must be <party>/<seq>, e.g. RU/4`, 2);
  return { party: match[1]!, seq: Number(match[2]) };
}

/** Reads and parses a JSON file, naming the flag when it cannot. */
function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError('validation_failed', `${flag}: cannot read ${path}: ${(error as Error).message}`, 2);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      'validation_failed',
      `${flag}: ${path} is not valid JSON: ${(error as Error).message}`,
      2,
    );
  }
}

async function entryAt(
  api: ApiClient,
  channel: string,
  ref: { party: string; seq: number },
): Promise<EntryView> {
  return api.request<EntryView>('GET', `${channelPath(channel)}/entries/${ref.party}/${ref.seq}`);
}

function postEntry(api: ApiClient, channel: string, entry: Record<string, unknown>): Promise<EntryView> {
  return api.request<EntryView>('POST', `${channelPath(channel)}/entries`, entry);
}

function formatGlossary(glossary: GlossaryState): string {
  const lines: string[] = [];
  for (const term of glossary.agreed) {
    const renderings = Object.entries(term.renderings)
      .map(([lang, text]) => `${lang}: ${text}`)
      .join(' | ');
    lines.push(`${term.term}\tagreed ${term.agreedAt.slice(0, 19)}\t${renderings}\t(${term.id})`);
  }
  for (const term of glossary.pending) {
    const renderings = Object.entries(term.renderings)
      .map(([lang, text]) => `${lang}: ${text}`)
      .join(' | ');
    lines.push(`${term.term}\twaiting for ${term.waitingFor.join(', ')}\t${renderings}\t(${term.id})`);
  }
  return lines.join('\n') || '(no glossary terms)';
}

export function registerLanguage(program: Command): void {
  remoteOptions(program.command('translate <channel> <original>'))
    .description(
      'attach a translation (never authoritative) of an entry <party>/<seq>, signed by you; --machine names the tool that produced it',
    )
    .requiredOption('--lang <tag>', "language of the translation (another of the channel's languages)")
    .requiredOption('--text <text>', 'the translated text')
    .option('--machine <tool>', 'machine translation: name and version of the tool')
    .option('--precedence <p>', `${PRECEDENCES.join(' | ')} (default: the original's)`)
    .option('--json', 'print JSON')
    .action(
      async (
        channel: string,
        original: string,
        options: Remote & { lang: string; text: string; machine?: string; precedence?: string },
      ) => {
        try {
          const ref = parseRef(original, 'the original');
          const api = client(options);
          const target = await entryAt(api, channel, ref);
          const entry = await postEntry(api, channel, {
            kind: 'translation',
            precedence: options.precedence ?? target.precedence,
            lang: options.lang,
            body: {
              of: { party: ref.party, seq: ref.seq, hash: target.hash },
              text: options.text,
              translator: options.machine ? { type: 'machine', tool: options.machine } : { type: 'person' },
            },
          });
          const view = await api.request<TranslationsView>(
            'GET',
            `${channelPath(channel)}/translations?of=${ref.party}/${ref.seq}`,
          );
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
        } catch (error) {
          fail(options, error);
        }
      },
    );

  remoteOptions(program.command('translations <channel> <original>'))
    .description('show an entry <party>/<seq> with its translations and their glossary warnings')
    .option('--json', 'print JSON')
    .action(async (channel: string, original: string, options: Remote) => {
      try {
        const ref = parseRef(original, 'the original');
        const view = await client(options).request<TranslationsView>(
          'GET',
          `${channelPath(channel)}/translations?of=${ref.party}/${ref.seq}`,
        );
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
      } catch (error) {
        fail(options, error);
      }
    });

  const glossary = program.command('glossary').description('the glossary of terms every party has agreed');
  remoteOptions(glossary.command('list <channel>'))
    .description('agreed terms and proposals waiting for parties')
    .option('--json', 'print JSON')
    .action(async (channel: string, options: Remote) => {
      try {
        const state = await client(options).request<GlossaryState>('GET', `${channelPath(channel)}/glossary`);
        print(options, state, () => formatGlossary(state));
      } catch (error) {
        fail(options, error);
      }
    });

  remoteOptions(glossary.command('propose <channel> <term>'))
    .description('propose a term with its rendering in every channel language (heads and translators)')
    .option(
      '--rendering <lang=text>',
      'the rendering in one language, e.g. ru=учения (repeatable)',
      collect,
      [],
    )
    .option('--note <note>', 'why, or how to use it')
    .option('--json', 'print JSON')
    .action(
      async (channel: string, term: string, options: Remote & { rendering: string[]; note?: string }) => {
        try {
          const renderings: Record<string, string> = {};
          for (const value of options.rendering) {
            const index = value.indexOf('=');
            if (index <= 0)
              throw new CliError('validation_failed', `--rendering '${value}' must look like en=exercise`, 2);
            renderings[value.slice(0, index)] = value.slice(index + 1);
          }
          if (options.rendering.length === 0)
            throw new CliError(
              'validation_failed',
              'give --rendering <lang=text> for every channel language',
              2,
            );
          const entry = await postEntry(client(options), channel, {
            kind: 'glossary-term',
            body: { term, renderings, ...(options.note ? { note: options.note } : {}) },
          });
          print(
            options,
            entry,
            () => `glossary term '${term}' proposed as ${entry.id}; agreed once every party signs`,
          );
        } catch (error) {
          fail(options, error);
        }
      },
    );

  remoteOptions(glossary.command('agree <channel> <proposal>'))
    .description("agree to another party's proposed term <party>/<seq> (heads and translators)")
    .option('--json', 'print JSON')
    .action(async (channel: string, proposal: string, options: Remote) => {
      try {
        const ref = parseRef(proposal, 'the proposal');
        const api = client(options);
        const target = await entryAt(api, channel, ref);
        const entry = await postEntry(api, channel, {
          kind: 'glossary-agree',
          body: { of: { party: ref.party, seq: ref.seq, hash: target.hash } },
        });
        print(options, entry, () => `agreed to ${target.id} with ${entry.id}`);
      } catch (error) {
        fail(options, error);
      }
    });

  const template = program.command('template').description('notification templates (JSON Schema)');
  remoteOptions(template.command('list <channel>'))
    .description('the newest version of each template (--all: every version)')
    .option('--all', 'every published version')
    .option('--json', 'print JSON')
    .action(async (channel: string, options: Remote & { all?: boolean }) => {
      try {
        const view = await client(options).request<TemplatesView>('GET', `${channelPath(channel)}/templates`);
        const shown = options.all ? view.versions : view.templates;
        print(
          options,
          view,
          () =>
            shown.map((t) => `${t.name}@${t.version}\t${t.title}\t${t.author}\t(${t.id})`).join('\n') ||
            '(no templates)',
        );
      } catch (error) {
        fail(options, error);
      }
    });

  remoteOptions(template.command('publish <channel>'))
    .description('publish a template version: a JSON Schema (draft 2020-12) for notification fields (heads)')
    .requiredOption('--file <schema.json>', 'the JSON Schema')
    .requiredOption('--name <name>', 'template name, e.g. exercise-notice')
    .requiredOption('--version <n>', 'version number (1, 2, …), new in the channel')
    .requiredOption('--title <title>', 'human-readable title')
    .option('--json', 'print JSON')
    .action(
      async (
        channel: string,
        options: Remote & { file: string; name: string; version: string; title: string },
      ) => {
        try {
          if (!/^[1-9]\d{0,14}$/.test(options.version))
            throw new CliError(
              'validation_failed',
              `--version '${options.version}' must be a positive integer`,
              2,
            );
          const schema = readJsonFile(options.file, '--file');
          const entry = await postEntry(client(options), channel, {
            kind: 'template',
            body: { name: options.name, version: Number(options.version), title: options.title, schema },
          });
          print(options, entry, () => `template ${options.name}@${options.version} published as ${entry.id}`);
        } catch (error) {
          fail(options, error);
        }
      },
    );

  remoteOptions(program.command('notify <channel>'))
    .description('send a formatted notification: fields validated against a template version')
    .requiredOption('--template <name@version>', 'the template, e.g. exercise-notice@2')
    .requiredOption('--fields-file <file.json>', 'the fields as a JSON object')
    .requiredOption('--text <text>', 'the notification in words, in --lang')
    .option('--precedence <p>', PRECEDENCES.join(' | '), 'ROUTINE')
    .option('--lang <tag>', "language of the text (default: the channel's first language)")
    .option('--json', 'print JSON')
    .action(
      async (
        channel: string,
        options: Remote & {
          template: string;
          fieldsFile: string;
          text: string;
          precedence: string;
          lang?: string;
        },
      ) => {
        try {
          const match = /^([a-z0-9][a-z0-9._-]{0,63})@([1-9]\d{0,14})$/.exec(options.template);
          if (!match)
            throw new CliError(
              'validation_failed',
              `--template '${options.template}' must look like exercise-notice@2`,
              2,
            );
          const fields = readJsonFile(options.fieldsFile, '--fields-file');
          const entry = await postEntry(client(options), channel, {
            kind: 'notification',
            precedence: options.precedence,
            ...(options.lang ? { lang: options.lang } : {}),
            body: { template: { name: match[1], version: Number(match[2]) }, fields, text: options.text },
          });
          print(options, entry, () => `notification ${entry.id} (${options.template}) accepted`);
        } catch (error) {
          fail(options, error);
        }
      },
    );
}
