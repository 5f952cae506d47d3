/**
 * `parley contact-order …` and `parley commitment …` over the API: record an order to keep
 * contact (who gave it, the offices per party, why, the cadence asked for); propose a commitment
 * to a cadence with its owners (people of one or more parties), accept it for one's own party,
 * list and show commitments with who they bind and each period kept or missed.
 */
import type { Command } from 'commander';
import type { ApiClient, Response } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print, printLines } from '../output.js';
import { everyWords, plainTime } from '../format.js';
import { collect, list, parseEntryId, partyOffices } from '../parse.js';

type Commitment = Response<'GET /api/v1/commitments'>['commitments'][number];
type Metrics = Response<'GET /api/v1/channels/{channel}/metrics'>;

const COMMITMENT_ID = 'commitment must be <channel>/<party>/<seq>, e.g. intel/RU/7';

function describe(c: Commitment): string {
  const closed = c.cadence.closed;
  const missed = c.cadence.periods.slice(0, closed).filter((p) => !p.kept).length;
  const kept =
    closed === 0
      ? 'no period closed yet'
      : missed === 0
        ? 'every closed period kept'
        : `${missed} of ${closed} periods missed`;
  return [
    `${c.id}\t${c.commitment}\t${c.what} ${everyWords(c.every)}\t${c.state}${c.awaiting.length > 0 ? ` (awaiting ${c.awaiting.join(', ')})` : ''}`,
    `  owners ${c.owners.map((o) => `${o.principal}${o.party ? ` (${o.party})` : ''}`).join(', ')}; from ${c.from}; ${kept}; next due ${c.cadence.nextDue ? plainTime(c.cadence.nextDue) : 'none'}; last contact ${c.cadence.lastContact ? plainTime(c.cadence.lastContact) : 'none'}`,
    ...(c.problem ? [`  binds nobody: ${c.problem}`] : []),
    ...c.refused.map((r) => `  not applied: ${r.id} (${r.kind}): ${r.reason}`),
  ].join('\n');
}

async function pin(api: ApiClient, id: string) {
  const e = await api.entryById(id);
  return { party: e.party, seq: e.seq, hash: e.hash };
}

export function registerContactOrder(program: Command): void {
  const command = program
    .command('contact-order')
    .description('orders to keep contact: who gave them, the offices ordered, why, the cadence asked for');

  run(
    remoteCommand(command, 'record <channel>', 'record an order to keep contact (a head of a member office)')
      .requiredOption('--order <id>', "the order's id in the channel, e.g. keep-momentum")
      .requiredOption('--ordered-by <who>', 'who gave it, e.g. "President of the Russian Federation"')
      .requiredOption(
        '--offices <PARTY=offices>',
        'offices ordered, per party (repeatable), e.g. RU=ru-svr',
        collect,
        [],
      )
      .requiredOption('--why <text>', 'why contact is to be kept')
      .requiredOption('--every <period>', 'the cadence asked for, one day to one year: P14D, P2W, P1M, P1Y')
      .option('--what <what>', 'briefing or contact', 'contact')
      .option('--given <date>', 'when the order was given (not in the future)'),
    async (
      channel: string,
      options: Remote & {
        order: string;
        orderedBy: string;
        offices: string[];
        why: string;
        every: string;
        what: string;
        given?: string;
      },
    ) => {
      const entry = await client(options).postEntry(channel, {
        kind: 'contact-order',
        body: {
          order: options.order,
          orderedBy: options.orderedBy,
          offices: partyOffices(options.offices, '--offices'),
          why: options.why,
          what: options.what,
          every: options.every,
          ...(options.given ? { given: options.given } : {}),
        },
      });
      print(options, entry, () => `order recorded: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'list <channel>',
      "the channel's orders to keep contact and the commitments made from each",
    ),
    async (channel: string, options: Remote) => {
      const result = await client(options).get('/api/v1/channels/{channel}/contact-orders', {
        path: { channel },
      });
      printLines(
        options,
        result,
        result.orders.map(
          (o) =>
            `${o.id}\t${o.order}\tby ${o.orderedBy}\ta ${o.what} ${everyWords(o.every)}\t${Object.entries(
              o.offices,
            )
              .map(([p, offices]) => `${p}: ${offices.join(', ')}`)
              .join('; ')}${o.commitments.length > 0 ? `\tcommitments ${o.commitments.join(', ')}` : ''}`,
        ),
        '(no orders)',
      );
    },
  );
}

export function registerCommitment(program: Command): void {
  const command = program
    .command('commitment')
    .description('commitments to a cadence of contact: propose, accept for your party, list, show');

  run(
    remoteCommand(
      command,
      'propose <channel>',
      'propose a commitment (a head); it binds each other party once it accepts',
    )
      .requiredOption('--name <id>', "the commitment's id in the channel, e.g. monthly-briefing")
      .requiredOption('--every <period>', 'one day to one year: P14D, P2W, P1M, P1Y')
      .requiredOption('--owners <people>', 'comma-separated owners, people of the parties it binds')
      .requiredOption('--from <date>', 'start of the first period, e.g. 2026-02-14')
      .option(
        '--what <what>',
        'briefing (kept by briefings held) or contact (by contact from each side)',
        'contact',
      )
      .option('--order <entry>', 'the contact order it arises from, <channel>/<party>/<seq>')
      .option('--source <text>', 'where it comes from, as text'),
    async (
      channel: string,
      options: Remote & {
        name: string;
        every: string;
        owners: string;
        from: string;
        what: string;
        order?: string;
        source?: string;
      },
    ) => {
      const api = client(options);
      if (options.order)
        parseEntryId(options.order, '--order must be <channel>/<party>/<seq>, e.g. leaders/RU/3');
      const entry = await api.postEntry(channel, {
        kind: 'commitment',
        body: {
          commitment: options.name,
          what: options.what,
          every: options.every,
          owners: list(options.owners),
          from: options.from,
          ...(options.order ? { order: await pin(api, options.order) } : {}),
          ...(options.source ? { source: options.source } : {}),
        },
      });
      print(options, entry, () => `commitment proposed: ${entry.id}`);
    },
  );

  run(
    remoteCommand(
      command,
      'accept <commitment>',
      'accept a commitment for your party (its head or one of its owners)',
    ).option('--note <text>', 'a note'),
    async (id: string, options: Remote & { note?: string }) => {
      const { channel } = parseEntryId(id, COMMITMENT_ID);
      const api = client(options);
      const entry = await api.postEntry(channel, {
        kind: 'commitment-accept',
        body: { of: await pin(api, id), ...(options.note ? { note: options.note } : {}) },
      });
      print(options, entry, () => `accepted: ${entry.id}`);
    },
  );

  run(
    remoteCommand(command, 'list', 'commitments in my channels: who they bind, kept or missed').option(
      '--channel <id>',
      'only this channel',
    ),
    async (options: Remote & { channel?: string }) => {
      const result = await client(options).get('/api/v1/commitments', {
        query: options.channel ? { channel: options.channel } : {},
      });
      printLines(options, result, result.commitments.map(describe), '(no commitments)');
    },
  );

  run(
    remoteCommand(command, 'show <commitment>', 'one commitment with every period'),
    async (id: string, options: Remote) => {
      const { channel, party, seq } = parseEntryId(id, COMMITMENT_ID);
      const c = await client(options).get('/api/v1/channels/{channel}/commitments/{party}/{seq}', {
        path: { channel, party, seq },
      });
      print(options, c, () =>
        [
          describe(c),
          ...c.accepted.map((a) => `  accepted by ${a.party}: ${a.by} at ${plainTime(a.at)} (${a.id})`),
          ...c.cadence.periods.map(
            (p, i) =>
              `  ${plainTime(p.from)} – ${plainTime(p.to)}\t${i >= c.cadence.closed ? (p.kept ? 'open, kept so far' : 'open') : p.kept ? 'kept' : `missed${p.missing.length ? ` by ${p.missing.join(', ')}` : ''}`}`,
          ),
        ].join('\n'),
      );
    },
  );
}

const duration = (ms: number | null) =>
  ms === null ? '—' : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

/** `parley channel metrics` as text. */
export function metricsText(m: Metrics): string {
  return [
    `${m.channel} at ${plainTime(m.at)}; last contact ${m.lastContact ? plainTime(m.lastContact) : 'none'}`,
    `contacts per week: ${m.contactsPerWeek.map((w) => `${w.week} ${w.contacts}`).join(', ')}`,
    'response times (to the first understood of another party):',
    ...m.responseTimes.map(
      (r) =>
        `  ${r.precedence}\t${r.answered}/${r.items} answered\tmedian ${duration(r.medianMs)}\tp90 ${duration(r.p90Ms)}`,
    ),
    `open items: ${m.open.total} (${m.open.overdue} overdue)${m.open.byType.map((t) => `\n  ${t.type}\t${t.count} (${t.overdue} overdue)`).join('')}`,
  ].join('\n');
}
