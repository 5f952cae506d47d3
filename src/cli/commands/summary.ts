/**
 * `parley summary …`: a joint summary of a call agreed point by point: propose a point (agreed,
 * disputed or unilateral) resting on readout passages, revise it, sign its exact version; a point
 * is agreed once every party signed it. Over the API.
 */
import type { Command } from 'commander';
import type { ApiClient, Response } from '../api-client.js';
import { refOf } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { CliError, print, printLines } from '../output.js';
import { collect, parseRef, usage } from '../parse.js';

type Summary = Response<'GET /api/v1/channels/{channel}/summaries'>['summaries'][number];
type Point = Summary['points'][number];

const STATUSES = ['agreed', 'disputed', 'unilateral'];

async function findPoint(api: ApiClient, channel: string, summary: string, point: string): Promise<Point> {
  const { summaries } = await api.get('/api/v1/channels/{channel}/summaries', { path: { channel } });
  const found = summaries.find((s) => s.summary === summary)?.points.find((p) => p.point === point);
  if (!found) throw new CliError('not_found', `point ${summary}/${point} does not exist in ${channel}`);
  return found;
}

/** `--rest RU/5=quoted words` → the readout pinned by hash, with the quote. */
async function rests(api: ApiClient, channel: string, values: string[]) {
  if (values.length === 0) throw usage('--rest is required: <readout party/seq>=<the words quoted from it>');
  return Promise.all(
    values.map(async (value) => {
      const at = value.indexOf('=');
      if (at < 0) throw usage(`--rest must be <party>/<seq>=<quoted words>, got '${value}'`);
      const ref = parseRef(value.slice(0, at), '--rest');
      return { readout: refOf(await api.entry(channel, ref.party, ref.seq)), quote: value.slice(at + 1) };
    }),
  );
}

interface PointOptions extends Remote {
  status: string;
  party?: string;
  text: string;
  rest: string[];
}

function withPointOptions(command: Command, required: boolean): Command {
  const option = (flag: string, description: string, fallback?: string[]) =>
    required ? command.requiredOption(flag, description) : command.option(flag, description, fallback);
  option('--status <status>', `${STATUSES.join(' | ')}`);
  option('--text <text>', 'the text of the point');
  return command
    .option('--party <party>', 'for a unilateral point: whose position it is')
    .option(
      '--rest <readout=quote>',
      'a readout passage it rests on, e.g. RU/5="Both sides agreed…" (repeat)',
      collect,
      [],
    );
}

const pointLine = (p: Point) =>
  `${p.point}\t${p.state}\t${p.status}${p.party ? ` (${p.party})` : ''}\t${p.id}\tsha256:${p.hash.slice(0, 16)}…\tsigned by ${p.signatures.map((s) => s.party).join(', ')}${p.waitingFor.length > 0 ? `; waiting for ${p.waitingFor.join(', ')}` : ''}\n  ${p.text}`;

export function registerSummary(program: Command): void {
  const command = program
    .command('summary')
    .description('joint summaries of a call, agreed point by point (each point signed by every party)');

  run(
    remoteCommand(
      command,
      'list <channel>',
      'summaries and their points: state, signatures, who is awaited',
    ).option('--summary <id>', 'only this summary'),
    async (channel: string, options: Remote & { summary?: string }) => {
      const result = await client(options).get('/api/v1/channels/{channel}/summaries', { path: { channel } });
      const summaries = result.summaries.filter((s) => !options.summary || s.summary === options.summary);
      printLines(
        options,
        { summaries },
        summaries.map(
          (s) =>
            `${s.summary}\t${s.agreed ? 'agreed by every party' : 'open'}\n${s.points.map(pointLine).join('\n')}`,
        ),
        '(no summaries)',
      );
    },
  );

  run(
    withPointOptions(
      remoteCommand(
        command,
        'propose <channel> <summary> <point>',
        'propose a point of a summary; proposing signs it for your party',
      ),
      true,
    ),
    async (channel: string, summary: string, point: string, options: PointOptions) => {
      const api = client(options);
      const entry = await api.postEntry(channel, {
        kind: 'summary-point',
        body: {
          summary,
          point,
          status: options.status,
          ...(options.party ? { party: options.party } : {}),
          text: options.text,
          rests: await rests(api, channel, options.rest),
        },
      });
      print(options, entry, () => `point ${summary}/${point} proposed: ${entry.id}`);
    },
  );

  run(
    withPointOptions(
      remoteCommand(
        command,
        'revise <channel> <summary> <point>',
        'a new version of a point (every party signs again)',
      ),
      false,
    ),
    async (channel: string, summary: string, point: string, options: Partial<PointOptions> & Remote) => {
      const api = client(options);
      const current = await findPoint(api, channel, summary, point);
      const [, party, seq] = current.id.split('/');
      const entry = await api.postEntry(channel, {
        kind: 'summary-point',
        body: {
          summary,
          point,
          status: options.status ?? current.status,
          ...((options.party ?? current.party) ? { party: options.party ?? current.party } : {}),
          text: options.text ?? current.text,
          rests:
            options.rest && options.rest.length > 0
              ? await rests(api, channel, options.rest)
              : await rests(
                  api,
                  channel,
                  current.rests.map((r) => `${r.readout.split('/').slice(1).join('/')}=${r.quote}`),
                ),
          revises: { party: party!, seq: Number(seq), hash: current.hash },
        },
      });
      print(options, entry, () => `point ${summary}/${point} revised: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'sign <channel> <summary> <point>',
      "sign the point's newest version for your party; --hash pins the exact version you read",
    ).option(
      '--hash <sha256>',
      'the hash of the version you sign (refused when the point was revised since)',
    ),
    async (channel: string, summary: string, point: string, options: Remote & { hash?: string }) => {
      const api = client(options);
      const current = await findPoint(api, channel, summary, point);
      const hash = options.hash?.replace(/^sha256:/, '');
      if (hash && hash !== current.hash)
        throw new CliError(
          'state_conflict',
          `--hash: ${summary}/${point} is now ${current.id} (sha256:${current.hash}); read it and sign that version`,
        );
      const [, party, seq] = current.id.split('/');
      const entry = await api.postEntry(channel, {
        kind: 'summary-sign',
        body: { of: { party: party!, seq: Number(seq), hash: current.hash } },
      });
      print(
        options,
        entry,
        () => `point ${summary}/${point} signed (sha256:${current.hash.slice(0, 16)}…): ${entry.id}`,
      );
    },
  );
}
