/**
 * `parley briefing …`: briefings and calls over the API, their whole life: propose (once or
 * recurring by an RFC 5545 rule), accept, decline, reschedule, postpone, cancel, record as held
 * with minutes and no-shows, amend the minutes; list them; and subscribable calendar feeds.
 */
import type { Command } from 'commander';
import type { ApiClient, Response } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print, printLines } from '../output.js';
import { assignments, collect, list, parseEntryId, usage } from '../parse.js';

type Briefing = Response<'GET /api/v1/channels/{channel}/briefings'>['briefings'][number];

interface Target {
  channel: string;
  of: { party: string; seq: number; hash: string };
}

/** The briefing an `<channel>/<party>/<seq>` argument names, pinned by its hash. */
async function target(api: ApiClient, id: string): Promise<Target> {
  const { channel, party, seq } = parseEntryId(
    id,
    'briefing must be <channel>/<party>/<seq>, e.g. intel/RU/4',
  );
  const entry = await api.entry(channel, party, seq);
  return { channel, of: { party, seq, hash: entry.hash } };
}

const minutesNumber = (value: string, flag: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usage(`${flag} must be a whole number of minutes, e.g. 30`);
  return n;
};

const occurrence = (options: { occurrence?: string }) =>
  options.occurrence ? { occurrence: options.occurrence } : {};

function describe(b: Briefing): string {
  const head = `${b.id}\t${b.type}\t${b.title}\t${b.start} (${b.durationMinutes} min)${b.rrule ? `\t${b.rrule}` : ''}`;
  const lines = b.occurrences.map(
    (o) =>
      `  ${o.occurrence}\t${o.state}${o.start !== o.occurrence ? ` → ${o.start}` : ''}${o.waitingFor.length > 0 ? `\twaiting for ${o.waitingFor.join(', ')}` : ''}${o.minutes ? `\tminutes ${o.minutes.id}${o.minutes.amendments.length > 0 ? ` (amended ${o.minutes.amendments.length}×)` : ''}` : ''}`,
  );
  const refused = b.refused.map((r) => `  not applied: ${r.id} (${r.kind}): ${r.reason}`);
  return [head, ...lines, ...refused].join('\n');
}

export function registerBriefing(program: Command): void {
  const command = program
    .command('briefing')
    .description('briefings and calls: propose, answer, reschedule, cancel, minutes; calendar feeds');

  run(
    remoteCommand(command, 'propose <channel>', 'propose a briefing or call (recurring with --rrule)')
      .requiredOption('--title <title>', 'title')
      .requiredOption('--start <time>', 'UTC start, e.g. 2026-02-12T16:00Z')
      .requiredOption('--duration <minutes>', 'planned length in minutes')
      .requiredOption('--participants <offices>', 'taking part, by office, comma-separated (every side)')
      .option('--agenda <item>', 'an agenda item (repeat for more)', collect, [])
      .option('--type <type>', 'briefing or call', 'briefing')
      .option('--rrule <rule>', 'RFC 5545 recurrence, e.g. FREQ=MONTHLY;COUNT=6 (must end: COUNT or UNTIL)'),
    async (
      channel: string,
      options: Remote & {
        title: string;
        start: string;
        duration: string;
        participants: string;
        agenda: string[];
        type: string;
        rrule?: string;
      },
    ) => {
      const entry = await client(options).postEntry(channel, {
        kind: 'briefing-proposal',
        body: {
          type: options.type,
          title: options.title,
          agenda: options.agenda,
          start: options.start,
          durationMinutes: minutesNumber(options.duration, '--duration'),
          participants: list(options.participants),
          ...(options.rrule ? { rrule: options.rrule } : {}),
        },
      });
      print(options, entry, () => `${options.type} proposed: ${entry.id}`);
    },
  );

  run(
    remoteCommand(command, 'list <channel>', 'briefings with each occurrence: state, answers, minutes'),
    async (channel: string, options: Remote) => {
      const result = await client(options).get('/api/v1/channels/{channel}/briefings', { path: { channel } });
      printLines(options, result, result.briefings.map(describe), '(no briefings)');
    },
  );

  for (const answer of ['accept', 'decline'] as const) {
    const spec = remoteCommand(
      command,
      `${answer} <briefing>`,
      `${answer} a briefing of the other side (one occurrence with --occurrence, else all)`,
    ).option('--occurrence <time>', "the occurrence's original start, for a recurring briefing");
    if (answer === 'decline') spec.requiredOption('--reason <text>', 'why');
    run(spec, async (id: string, options: Remote & { occurrence?: string; reason?: string }) => {
      const api = client(options);
      const { channel, of } = await target(api, id);
      const entry = await api.postEntry(channel, {
        kind: 'briefing-answer',
        body: { of, ...occurrence(options), answer, ...(options.reason ? { reason: options.reason } : {}) },
      });
      print(options, entry, () => `${answer}ed: ${entry.id}`);
    });
  }

  for (const change of ['reschedule', 'postpone', 'cancel'] as const) {
    const spec = remoteCommand(
      command,
      `${change} <briefing>`,
      change === 'reschedule'
        ? 'move a briefing (or one occurrence) to a new time, with a reason'
        : `${change} a briefing (or one occurrence), with a reason`,
    )
      .requiredOption('--reason <text>', 'why')
      .option('--occurrence <time>', "the occurrence's original start, for a recurring briefing");
    if (change === 'reschedule')
      spec
        .requiredOption('--start <time>', 'the new UTC start')
        .option('--duration <minutes>', 'a new length in minutes');
    run(
      spec,
      async (
        id: string,
        options: Remote & { reason: string; occurrence?: string; start?: string; duration?: string },
      ) => {
        const api = client(options);
        const { channel, of } = await target(api, id);
        const entry = await api.postEntry(channel, {
          kind: 'briefing-change',
          body: {
            of,
            ...occurrence(options),
            change,
            reason: options.reason,
            ...(options.start ? { start: options.start } : {}),
            ...(options.duration ? { durationMinutes: minutesNumber(options.duration, '--duration') } : {}),
          },
        });
        print(options, entry, () => `${change}d: ${entry.id}`);
      },
    );
  }

  run(
    remoteCommand(
      command,
      'minutes <briefing>',
      'record that the briefing was held, with its minutes (once; never dated ahead)',
    )
      .requiredOption('--held-at <time>', 'UTC time it began, e.g. 2026-02-12T16:05Z')
      .requiredOption('--duration <minutes>', 'how long it took, in minutes')
      .requiredOption('--text <text>', 'the minutes')
      .option('--attended <offices>', 'offices that attended, comma-separated', '')
      .option(
        '--absent <office=reason>',
        'an office that did not attend (a no-show), and why (repeat)',
        collect,
        [],
      )
      .option('--occurrence <time>', "the occurrence's original start, for a recurring briefing"),
    async (
      id: string,
      options: Remote & {
        heldAt: string;
        duration: string;
        text: string;
        attended: string;
        absent: string[];
        occurrence?: string;
      },
    ) => {
      const api = client(options);
      const { channel, of } = await target(api, id);
      const noShows = Object.entries(assignments(options.absent, '--absent', 'us-ops=Deputy ill')).map(
        ([office, reason]) => ({ office, reason }),
      );
      const entry = await api.postEntry(channel, {
        kind: 'briefing-record',
        body: {
          of,
          ...occurrence(options),
          heldAt: options.heldAt,
          durationMinutes: minutesNumber(options.duration, '--duration'),
          minutes: options.text,
          attended: list(options.attended),
          noShows,
        },
      });
      print(options, entry, () => `minutes recorded: ${entry.id}`);
    },
  );

  run(
    remoteCommand(command, 'amend <minutes>', 'amend recorded minutes (an explicit, signed amendment)')
      .requiredOption('--text <text>', 'the minutes as amended')
      .requiredOption('--reason <text>', 'why they change'),
    async (id: string, options: Remote & { text: string; reason: string }) => {
      const api = client(options);
      const { channel, of } = await target(api, id);
      const entry = await api.postEntry(channel, {
        kind: 'briefing-amendment',
        body: { of, minutes: options.text, reason: options.reason },
      });
      print(options, entry, () => `minutes amended: ${entry.id}`);
    },
  );

  const feed = command
    .command('feed')
    .description('subscribable iCalendar addresses of an office or a channel, each with its own token');
  run(
    remoteCommand(feed, 'create', 'a new calendar address (its token is shown once)')
      .option('--office <office>', "an office's briefings in all its channels")
      .option('--channel <channel>', "a channel's briefings"),
    async (options: Remote & { office?: string; channel?: string }) => {
      if ((options.office === undefined) === (options.channel === undefined))
        throw usage('give exactly one of --office or --channel');
      const created = await client(options).post('/api/v1/calendar-feeds', {
        body: options.office
          ? { scope: 'office', target: options.office }
          : { scope: 'channel', target: options.channel! },
      });
      const url = new URL(created.url!, options.url).toString();
      print(
        options,
        { ...created, url },
        () => `${created.id}\t${url}\n(shown once: keep it like a password)`,
      );
    },
  );
  run(remoteCommand(feed, 'list', 'my calendar feeds (never their tokens)'), async (options: Remote) => {
    const result = await client(options).get('/api/v1/calendar-feeds');
    printLines(
      options,
      result,
      result.feeds.map((f) => `${f.id}\t${f.scope} ${f.target}\tcreated by ${f.createdBy} ${f.createdAt}`),
      '(no calendar feeds)',
    );
  });
  run(
    remoteCommand(feed, 'revoke <id>', 'revoke a calendar feed: its address answers 404 from now on'),
    async (id: string, options: Remote) => {
      await client(options).call('DELETE /api/v1/calendar-feeds/{id}', { path: { id } });
      print(options, { id, revoked: true }, () => `revoked ${id}`);
    },
  );
}
