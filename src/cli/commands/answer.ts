/**
 * `parley respond` and `parley readback confirm|correct`: answering an item other than with a
 * receipt (defer, decline), and reviewing the other party's read-back of your item. Over the API,
 * as the person whose token is used; the answer carries the item's precedence and marking.
 */
import type { Command } from 'commander';
import { refOf } from '../api-client.js';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print } from '../output.js';
import { usage } from '../parse.js';

/** "--until" accepts an ISO time or a duration from now such as 2h or 30m. */
function untilTime(value: string): string {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(Date.now() + Number(relative[1]) * unit).toISOString();
  }
  if (!Number.isFinite(Date.parse(value)))
    throw usage(`--until '${value}' is neither a UTC time nor a duration like 2h`);
  return new Date(value).toISOString();
}

export function registerAnswer(program: Command): void {
  run(
    remoteCommand(
      program,
      'respond <entry>',
      'answer an item other than "understood": defer it to a new time, or decline it, with a reason',
    )
      .option('--defer-until <time>', 'a UTC time, or a duration from now (30m, 2h, 1d)')
      .option('--decline', 'decline the item')
      .requiredOption('--reason <text>', 'why (shown to every party)'),
    async (id: string, options: Remote & { deferUntil?: string; decline?: boolean; reason: string }) => {
      if ((options.deferUntil === undefined) === !options.decline)
        throw usage('give exactly one of --defer-until or --decline');
      const api = client(options);
      const item = await api.entryById(id);
      const body = options.decline
        ? { of: refOf(item), response: 'declined', reason: options.reason }
        : {
            of: refOf(item),
            response: 'deferred',
            reason: options.reason,
            until: untilTime(options.deferUntil!),
          };
      const entry = await api.postAbout(item, 'response', body);
      print(options, entry, () => `${body.response} ${id}: recorded as ${entry.id}`);
    },
  );

  const readback = program.command('readback').description("review the other party's read-back of your item");
  for (const outcome of ['confirm', 'correct'] as const) {
    const command = remoteCommand(
      readback,
      `${outcome} <receipt>`,
      outcome === 'confirm'
        ? 'confirm that a read-back (an understood receipt, <channel>/<party>/<seq>) matches what was meant'
        : 'correct a read-back; the item stays open until the other party reads back again',
    );
    if (outcome === 'correct') command.requiredOption('--correction <text>', 'what was actually meant');
    if (outcome === 'confirm') {
      command
        .option(
          '--despite <fields>',
          'confirm although these read-back fields differ (comma-separated; exactly the differing ones)',
        )
        .option('--reason <text>', 'why it is confirmed despite the differences (with --despite)');
    }
    run(
      command,
      async (id: string, options: Remote & { correction?: string; despite?: string; reason?: string }) => {
        if ((options.despite === undefined) !== (options.reason === undefined)) {
          throw new Error('--despite and --reason go together: name the differing fields and say why');
        }
        const api = client(options);
        const receipt = await api.entryById(id);
        const entry = await api.postAbout(
          receipt,
          'readback-review',
          outcome === 'confirm'
            ? {
                of: refOf(receipt),
                outcome: 'confirmed',
                ...(options.despite === undefined
                  ? {}
                  : {
                      despiteDifferences: {
                        fields: options.despite
                          .split(',')
                          .map((f) => f.trim())
                          .filter(Boolean),
                        reason: options.reason,
                      },
                    }),
              }
            : { of: refOf(receipt), outcome: 'corrected', correction: options.correction },
        );
        print(
          options,
          entry,
          () => `read-back ${id} ${outcome === 'confirm' ? 'confirmed' : 'corrected'}: ${entry.id}`,
        );
      },
    );
  }
}
