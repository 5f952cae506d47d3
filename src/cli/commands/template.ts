/**
 * `parley template list|publish` and `parley notify`: notification templates (JSON Schema) and
 * formatted notifications whose fields the node validates against a template version. Over the API.
 */
import type { Command } from 'commander';
import { PRECEDENCES } from '../../core/entry.js';
import type { Precedence } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print, printLines } from '../output.js';
import { readJsonFile, usage } from '../parse.js';

interface PublishOptions extends Remote {
  file: string;
  name: string;
  version: string;
  title: string;
}

interface NotifyOptions extends Remote {
  template: string;
  fieldsFile: string;
  text: string;
  precedence: string;
  lang?: string;
}

export function registerTemplate(program: Command): void {
  const template = program.command('template').description('notification templates (JSON Schema)');
  run(
    remoteCommand(
      template,
      'list <channel>',
      'the newest version of each template (--all: every version)',
    ).option('--all', 'every published version'),
    async (channel: string, options: Remote & { all?: boolean }) => {
      const view = await client(options).get('/api/v1/channels/{channel}/templates', { path: { channel } });
      const shown = options.all ? view.versions : view.templates;
      printLines(
        options,
        view,
        shown.map((t) => `${t.name}@${t.version}\t${t.title}\t${t.author}\t(${t.id})`),
        '(no templates)',
      );
    },
  );

  run(
    remoteCommand(
      template,
      'publish <channel>',
      'publish a template version: a JSON Schema (draft 2020-12) for notification fields (heads)',
    )
      .requiredOption('--file <schema.json>', 'the JSON Schema')
      .requiredOption('--name <name>', 'template name, e.g. exercise-notice')
      .requiredOption('--version <n>', 'version number (1, 2, …), new in the channel')
      .requiredOption('--title <title>', 'human-readable title'),
    async (channel: string, options: PublishOptions) => {
      if (!/^[1-9]\d{0,14}$/.test(options.version))
        throw usage(`--version '${options.version}' must be a positive integer`);
      const schema = readJsonFile(options.file, '--file');
      const entry = await client(options).postEntry(channel, {
        kind: 'template',
        body: { name: options.name, version: Number(options.version), title: options.title, schema },
      });
      print(options, entry, () => `template ${options.name}@${options.version} published as ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      program,
      'notify <channel>',
      'send a formatted notification: fields validated against a template version',
    )
      .requiredOption('--template <name@version>', 'the template, e.g. exercise-notice@2')
      .requiredOption('--fields-file <file.json>', 'the fields as a JSON object')
      .requiredOption('--text <text>', 'the notification in words, in --lang')
      .option('--precedence <p>', PRECEDENCES.join(' | '), 'ROUTINE')
      .option('--lang <tag>', "language of the text (default: the channel's first language)"),
    async (channel: string, options: NotifyOptions) => {
      const match = /^([a-z0-9][a-z0-9._-]{0,63})@([1-9]\d{0,14})$/.exec(options.template);
      if (!match) throw usage(`--template '${options.template}' must look like exercise-notice@2`);
      const fields = readJsonFile(options.fieldsFile, '--fields-file');
      const entry = await client(options).postEntry(channel, {
        kind: 'notification',
        precedence: options.precedence as Precedence,
        ...(options.lang ? { lang: options.lang } : {}),
        body: { template: { name: match[1], version: Number(match[2]) }, fields, text: options.text },
      });
      print(options, entry, () => `notification ${entry.id} (${options.template}) accepted`);
    },
  );
}
