/**
 * `parley office roster|webhook`, `parley user alternate|email` and `parley alerts`: how the
 * people of this party are reached when an escalation names them, over the API as an
 * administrator or a head of the office (README "Mail and webhooks").
 */
import type { Command } from 'commander';
import { client, remoteCommand, run, type Remote } from '../context.js';
import { print, printLines } from '../output.js';
import { usage } from '../parse.js';

/** A time given as ISO (2026-12-01T08:00Z) or `now`, `now+8h`, `now-30m`. */
function parseWhen(value: string, option: string): string {
  const relative = /^now(?:([+-])(\d+)([mhd]))?$/.exec(value);
  if (relative) {
    const unit = { m: 60_000, h: 3600_000, d: 86_400_000 }[relative[3] as 'm' | 'h' | 'd'] ?? 0;
    const delta = relative[1] ? Number(relative[2]) * unit * (relative[1] === '-' ? -1 : 1) : 0;
    return new Date(Date.now() + delta).toISOString();
  }
  if (!Number.isFinite(Date.parse(value)))
    throw usage(`${option} '${value}' must be a UTC time such as 2026-12-01T08:00Z, or now, now+8h`);
  return value;
}

/** Adds `roster` and `webhook` under `parley office`. */
export function registerOfficeAlerting(office: Command): void {
  const roster = office
    .command('roster')
    .description("an office's on-watch roster: who is told first when an answer is overdue");
  run(
    remoteCommand(roster, 'list <office>', 'shifts not yet over, and who is on watch now (with alternates)'),
    async (id: string, options: Remote) => {
      const result = await client(options).get('/api/v1/offices/{id}/roster', { path: { id } });
      printLines(options, result, [
        `on watch now: ${result.onWatch.join(', ') || '(nobody: duty officers, then heads, are told)'}`,
        ...result.shifts.map(
          (s) => `${s.id}\t${s.user}\t${s.from} – ${s.until}${s.onWatch ? '\ton watch' : ''}`,
        ),
      ]);
    },
  );
  run(
    remoteCommand(roster, 'add <office> <user>', 'put a person of the office on watch (at most 31 days)')
      .requiredOption('--from <time>', 'start, e.g. 2026-12-01T08:00Z or now')
      .requiredOption('--until <time>', 'end, e.g. 2026-12-01T20:00Z or now+12h'),
    async (id: string, user: string, options: Remote & { from: string; until: string }) => {
      const shift = await client(options).post('/api/v1/offices/{id}/roster', {
        path: { id },
        body: { user, from: parseWhen(options.from, '--from'), until: parseWhen(options.until, '--until') },
      });
      print(
        options,
        shift,
        () => `${shift.id}\t${shift.user} on watch for ${id} ${shift.from} – ${shift.until}`,
      );
    },
  );
  run(
    remoteCommand(roster, 'remove <office> <shift>', 'remove a watch shift'),
    async (id: string, shift: string, options: Remote) => {
      await client(options).call('DELETE /api/v1/offices/{id}/roster/{shift}', { path: { id, shift } });
      print(options, { office: id, shift, removed: true }, () => `shift ${shift} removed from ${id}`);
    },
  );
  run(
    remoteCommand(
      office,
      'webhook <office>',
      "show the office's escalation webhook, or set it (--set <url>) or remove it (--clear); each POST is signed with the node key",
    )
      .option('--set <url>', 'http(s) URL to POST escalations to')
      .option('--clear', 'remove the webhook'),
    async (id: string, options: Remote & { set?: string; clear?: boolean }) => {
      if (options.set !== undefined && options.clear) throw usage('give --set <url> or --clear, not both');
      const api = client(options);
      const result =
        options.set !== undefined || options.clear
          ? await api.call('PUT /api/v1/offices/{id}/alerting', {
              path: { id },
              body: { webhookUrl: options.clear ? null : options.set! },
            })
          : await api.get('/api/v1/offices/{id}/alerting', { path: { id } });
      print(options, result, () => `${id}\twebhook ${result.webhookUrl ?? '(none)'}`);
    },
  );
}

/** Adds `alternate` and `email` under `parley user`. */
export function registerUserAlerting(user: Command): void {
  run(
    remoteCommand(
      user,
      'alternate <user> [alternates...]',
      "show a person's alternates, or set them (in order; told with the person at every escalation step); --clear removes them",
    ).option('--clear', 'remove every alternate'),
    async (id: string, alternates: string[], options: Remote & { clear?: boolean }) => {
      if (options.clear && alternates.length > 0) throw usage('give alternates or --clear, not both');
      const api = client(options);
      const result =
        alternates.length > 0 || options.clear
          ? await api.call('PUT /api/v1/users/{id}/alerting', {
              path: { id },
              body: { alternates: options.clear ? [] : alternates },
            })
          : await api.get('/api/v1/users/{id}/alerting', { path: { id } });
      print(options, result, () => `${id}\talternates ${result.alternates.join(', ') || '(none)'}`);
    },
  );
  run(
    remoteCommand(
      user,
      'email <user> [address]',
      'show or set the address escalations naming a person are e-mailed to',
    ).option('--clear', 'remove the address'),
    async (id: string, address: string | undefined, options: Remote & { clear?: boolean }) => {
      if (options.clear && address !== undefined) throw usage('give an address or --clear, not both');
      const api = client(options);
      const result =
        address !== undefined || options.clear
          ? await api.call('PUT /api/v1/users/{id}/alerting', {
              path: { id },
              body: { email: options.clear ? null : address! },
            })
          : await api.get('/api/v1/users/{id}/alerting', { path: { id } });
      print(options, result, () => `${id}\te-mail ${result.email ?? '(none)'}`);
    },
  );
}

/** `parley alerts`: the outbox of e-mail and webhook deliveries. */
export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('the alert outbox: e-mail and webhook deliveries of escalations');
  run(
    remoteCommand(alerts, 'list', 'deliveries, newest first, with their outcome (admin)').option(
      '--limit <n>',
      'at most this many (1 to 1000)',
      '100',
    ),
    async (options: Remote & { limit: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw usage('--limit must be an integer from 1 to 1000');
      const result = await client(options).get('/api/v1/alerts/deliveries', { query: { limit } });
      printLines(
        options,
        result,
        result.map(
          (d) =>
            `${d.createdAt}\t${d.entry}\t${d.transport} ${d.target}\t${d.state} (${d.attempts} attempt${d.attempts === 1 ? '' : 's'})${d.lastError ? `\t${d.lastError}` : ''}`,
        ),
        '(no deliveries)',
      );
    },
  );
}
