/**
 * `parley respond`, `parley readback`, `parley clarify` and `parley status`: answering items
 * other than with a receipt, reviewing read-backs, asking about an exact passage, and one item's
 * full status. All over the API, as the person whose token is used.
 */
import type { Command } from 'commander';
import type { EntryView } from '../../workflows/entries/present.js';
import { client, remoteOptions, type Remote } from '../context.js';
import { CliError, fail, print } from '../output.js';

interface Obligation {
  type: string;
  channel: string;
  about: { id: string; author: string; precedence: string; marking?: string };
  item: { id: string };
  owedBy: string;
  owedTo: string;
  due: string;
  overdue: boolean;
  note: string | null;
}

/** `<channel>/<party>/<seq>` → its parts. */
export function parseEntryId(text: string): { channel: string; party: string; seq: number } {
  const match = /^([^/]+)\/([^/]+)\/(\d+)$/.exec(text);
  if (!match)
    throw new CliError(
      'validation_failed',
      `entry must be <channel>/<party>/<seq>, e.g. intelligence/US/4`,
      2,
    );
  return { channel: match[1]!, party: match[2]!, seq: Number(match[3]) };
}

/** Fetches an entry so a reference can pin its hash. */
async function fetchEntry(options: Remote, id: string): Promise<EntryView> {
  const { channel, party, seq } = parseEntryId(id);
  return client(options).request<EntryView>(
    'GET',
    `/api/v1/channels/${encodeURIComponent(channel)}/entries/${encodeURIComponent(party)}/${seq}`,
  );
}

async function postEntry(
  options: Remote,
  channel: string,
  input: Record<string, unknown>,
): Promise<EntryView> {
  return client(options).request<EntryView>(
    'POST',
    `/api/v1/channels/${encodeURIComponent(channel)}/entries`,
    input,
  );
}

const refOf = (entry: EntryView) => ({ party: entry.party, seq: entry.seq, hash: entry.hash });

/** One line per obligation: due time, state, what, who owes whom. */
export function formatObligation(o: Obligation): string {
  const marking = o.about.marking ? ` [${o.about.marking}]` : '';
  const state = o.overdue ? 'OVERDUE' : 'due';
  return `${state} ${o.due.slice(0, 16)}Z\t${o.about.precedence}${marking}\t${o.type}\t${o.about.id}\t${o.owedBy} → ${o.owedTo}${o.note ? `\t(${o.note})` : ''}`;
}

/** "--until" accepts an ISO time or a duration from now such as 2h or 30m. */
function untilTime(value: string): string {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(Date.now() + Number(relative[1]) * unit).toISOString();
  }
  if (!Number.isFinite(Date.parse(value)))
    throw new CliError(
      'validation_failed',
      `--until '${value}' is neither a UTC time nor a duration like 2h`,
      2,
    );
  return new Date(value).toISOString();
}

export function registerWorkflow(program: Command): void {
  remoteOptions(program.command('respond <entry>'))
    .description(
      'answer an item other than "understood": defer it to a new time, or decline it, with a reason',
    )
    .option('--defer-until <time>', 'a UTC time, or a duration from now (30m, 2h, 1d)')
    .option('--decline', 'decline the item')
    .requiredOption('--reason <text>', 'why (shown to every party)')
    .option('--json', 'print JSON')
    .action(
      async (id: string, options: Remote & { deferUntil?: string; decline?: boolean; reason: string }) => {
        try {
          if ((options.deferUntil === undefined) === !options.decline)
            throw new CliError('validation_failed', 'give exactly one of --defer-until or --decline', 2);
          const item = await fetchEntry(options, id);
          const body = options.decline
            ? { of: refOf(item), response: 'declined', reason: options.reason }
            : {
                of: refOf(item),
                response: 'deferred',
                reason: options.reason,
                until: untilTime(options.deferUntil!),
              };
          const entry = await postEntry(options, item.channel, {
            kind: 'response',
            precedence: item.precedence,
            ...(item.marking ? { marking: item.marking } : {}),
            body,
          });
          print(options, entry, () => `${body.response} ${id}: recorded as ${entry.id}`);
        } catch (error) {
          fail(options, error);
        }
      },
    );

  const readback = program.command('readback').description("review the other party's read-back of your item");
  for (const outcome of ['confirm', 'correct'] as const) {
    const command = remoteOptions(readback.command(`${outcome} <receipt>`))
      .description(
        outcome === 'confirm'
          ? 'confirm that a read-back (an understood receipt, <channel>/<party>/<seq>) matches what was meant'
          : 'correct a read-back; the item stays open until the other party reads back again',
      )
      .option('--json', 'print JSON');
    if (outcome === 'correct') command.requiredOption('--correction <text>', 'what was actually meant');
    command.action(async (id: string, options: Remote & { correction?: string }) => {
      try {
        const receipt = await fetchEntry(options, id);
        const entry = await postEntry(options, receipt.channel, {
          kind: 'readback-review',
          precedence: receipt.precedence,
          ...(receipt.marking ? { marking: receipt.marking } : {}),
          body:
            outcome === 'confirm'
              ? { of: refOf(receipt), outcome: 'confirmed' }
              : { of: refOf(receipt), outcome: 'corrected', correction: options.correction },
        });
        print(
          options,
          entry,
          () => `read-back ${id} ${outcome === 'confirm' ? 'confirmed' : 'corrected'}: ${entry.id}`,
        );
      } catch (error) {
        fail(options, error);
      }
    });
  }

  const clarify = program
    .command('clarify')
    .description('ask about an exact passage of an item, answer, list');
  remoteOptions(clarify.command('ask <entry>'))
    .description('ask about a passage of the original text of an item')
    .requiredOption('--quote <text>', 'the passage, exactly as in the original text')
    .option('--start <n>', 'where the passage starts (UTF-16 offset) when it occurs more than once')
    .requiredOption('--question <text>', 'the question')
    .option('--json', 'print JSON')
    .action(async (id: string, options: Remote & { quote: string; start?: string; question: string }) => {
      try {
        const item = await fetchEntry(options, id);
        const text = typeof item.body.text === 'string' ? item.body.text : '';
        const start = options.start !== undefined ? Number(options.start) : text.indexOf(options.quote);
        if (!Number.isInteger(start) || start < 0)
          throw new CliError(
            'validation_failed',
            `the passage “${options.quote}” is not in the original text of ${id}`,
            2,
          );
        const entry = await postEntry(options, item.channel, {
          kind: 'clarification-request',
          precedence: item.precedence,
          ...(item.marking ? { marking: item.marking } : {}),
          body: {
            of: refOf(item),
            passage: { start, end: start + options.quote.length, quote: options.quote },
            question: options.question,
          },
        });
        print(options, entry, () => `clarification requested: ${entry.id}`);
      } catch (error) {
        fail(options, error);
      }
    });
  remoteOptions(clarify.command('answer <request>'))
    .description('answer a clarification request about one of your party’s items')
    .requiredOption('--text <text>', 'the answer')
    .option('--json', 'print JSON')
    .action(async (id: string, options: Remote & { text: string }) => {
      try {
        const request = await fetchEntry(options, id);
        const entry = await postEntry(options, request.channel, {
          kind: 'clarification',
          precedence: request.precedence,
          ...(request.marking ? { marking: request.marking } : {}),
          body: { of: refOf(request), text: options.text },
        });
        print(options, entry, () => `answered ${id}: ${entry.id}`);
      } catch (error) {
        fail(options, error);
      }
    });
  remoteOptions(clarify.command('list <channel>'))
    .description('open clarification requests of a channel (all with --all)')
    .option('--all', 'include answered ones')
    .option('--json', 'print JSON')
    .action(async (channel: string, options: Remote & { all?: boolean }) => {
      try {
        const result = await client(options).request<{
          clarifications: Array<{
            id: string;
            item: string;
            due: string;
            passage: { quote: string };
            question: string;
            answer: { text: string } | null;
          }>;
        }>(
          'GET',
          `/api/v1/channels/${encodeURIComponent(channel)}/clarifications?state=${options.all ? 'all' : 'open'}`,
        );
        print(
          options,
          result,
          () =>
            result.clarifications
              .map(
                (c) =>
                  `${c.id}\ton ${c.item}\t“${c.passage.quote}”\t${c.question}\t${c.answer ? `answered: ${c.answer.text}` : `due ${c.due.slice(0, 16)}Z`}`,
              )
              .join('\n') || '(no open clarification requests)',
        );
      } catch (error) {
        fail(options, error);
      }
    });

  remoteOptions(program.command('status <entry>'))
    .description(
      "one item's status: delivery, each party's answer and read-back, questions, deadlines, escalations",
    )
    .option('--json', 'print JSON')
    .action(async (id: string, options: Remote) => {
      try {
        const { channel, party, seq } = parseEntryId(id);
        const status = await client(options).request<{
          precedence: string;
          marking?: string;
          objectives: { deliveryMinutes: number; responseMinutes: number };
          delivery: Array<{ party: string; state: string }>;
          responses: Array<{ party: string; state: string; detail: string | null }>;
          clarifications: Array<{ request: { id: string; question?: unknown }; answer: unknown }>;
          obligations: Obligation[];
          escalations: Array<{ id: string; step: string; owedBy: string; notify: string[]; due: string }>;
          resolved: boolean;
        }>(
          'GET',
          `/api/v1/channels/${encodeURIComponent(channel)}/entries/${encodeURIComponent(party)}/${seq}/status`,
        );
        print(options, status, () =>
          [
            `${id} ${status.precedence}${status.marking ? ` [${status.marking}]` : ''}: ${status.resolved ? 'resolved' : 'open'} (deadlines: delivery ${status.objectives.deliveryMinutes} min, response ${status.objectives.responseMinutes} min)`,
            ...status.delivery.map((d) => `  ${d.party}: ${d.state}`),
            ...status.responses.map(
              (r) => `  ${r.party} answer: ${r.state}${r.detail ? ` — ${r.detail}` : ''}`,
            ),
            ...status.clarifications.map(
              (c) => `  question ${c.request.id}: ${c.answer ? 'answered' : 'open'}`,
            ),
            ...status.obligations.map((o) => `  owed: ${formatObligation(o)}`),
            ...status.escalations.map(
              (e) => `  escalated ${e.id}: ${e.owedBy} ${e.step} (due ${e.due}) → ${e.notify.join(', ')}`,
            ),
          ].join('\n'),
        );
      } catch (error) {
        fail(options, error);
      }
    });
}
