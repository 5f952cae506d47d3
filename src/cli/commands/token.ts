/**
 * `parley token create|list|revoke`: bearer API tokens for scripts and the CLI. On the node's
 * machine (`--data-dir`) an operator manages anyone's; with `--url` a person manages their own
 * over the API with a token (an administrator also others'). Tokens expire (90 days unless
 * `--expires-in`); a list never shows a secret. A token signs only when it carries the person's
 * key: made over the API by the logged-in person, or locally with the person's own password.
 */
import type { Command } from 'commander';
import { ParleyError } from '../../core/errors.js';
import { client, eitherRemoteOptions, localCommand, run, type LocalOrRemote } from '../context.js';
import { createTokenLocally, listTokensLocally, revokeTokenLocally } from '../local-node.js';
import { print, printLines } from '../output.js';
import { readStdin } from '../secrets.js';
import { usage } from '../parse.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3600_000, d: 24 * 3600_000 };

/** `30m`, `12h`, `90d` in milliseconds. */
export function parseLifetime(text: string): number {
  const match = /^([1-9][0-9]{0,5})([mhd])$/.exec(text.trim());
  if (!match) throw new ParleyError('validation_failed', '--expires-in must look like 30m, 12h or 90d');
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

const when = (at: number | null): string => (at === null ? 'never' : new Date(at).toISOString());

export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for scripts and the CLI');
  run(
    eitherRemoteOptions(
      localCommand(
        token,
        'create [user]',
        "create a bearer API token (shown once; use it as PARLEY_TOKEN): on this machine for <user>; with --url for the token's own user",
      ),
    )
      .option('--label <label>', 'what the token is for', 'cli')
      .option('--expires-in <lifetime>', 'how long it works: 30m, 12h, 90d (at most 5 years)', '90d')
      .option(
        '--password-stdin',
        "on this machine: read <user>'s own password from stdin (else PARLEY_PASSWORD) so the token can sign; without either it only reads",
      ),
    async (
      userId: string | undefined,
      options: LocalOrRemote & { label: string; expiresIn: string; passwordStdin?: boolean },
    ) => {
      const lifetime = parseLifetime(options.expiresIn);
      let issued: { id: string; label: string; expiresAt: number; token: string };
      let user: string;
      if (options.url) {
        if (userId !== undefined)
          throw usage('with --url a token is created for your own user: leave out <user>');
        const api = client({ ...options, url: options.url });
        user = (await api.get('/api/v1/me')).principal.id;
        issued = await api.post('/api/v1/tokens', {
          body: { label: options.label, expiresInSeconds: Math.round(lifetime / 1000) },
        });
      } else {
        if (userId === undefined) throw usage('name the <user> the token is for');
        user = userId;
        // The person's key is sealed under their password: only it lets the token sign.
        const password =
          (options.passwordStdin ? await readStdin() : process.env.PARLEY_PASSWORD) || undefined;
        const local = await createTokenLocally(options.dataDir, userId, options.label, lifetime, password);
        if (!local.signs)
          process.stderr.write(
            `note: this token reads but cannot sign (key_locked); give ${userId}'s password (PARLEY_PASSWORD or --password-stdin) for one that signs\n`,
          );
        issued = local;
      }
      print(
        options,
        { user, id: issued.id, label: issued.label, expiresAt: issued.expiresAt, token: issued.token },
        () => issued.token,
      );
    },
  );
  run(
    eitherRemoteOptions(
      localCommand(
        token,
        'list [user]',
        "list API tokens (id, user, label, expiry, last use; never the secrets): on this machine everyone's or <user>'s; with --url your own, <user>'s or --all (admin)",
      ),
    ).option('--all', "with --url: everyone's tokens (admin)"),
    async (userId: string | undefined, options: LocalOrRemote & { all?: boolean }) => {
      const tokens = options.url
        ? await client({ ...options, url: options.url }).get('/api/v1/tokens', {
            query: { ...(userId ? { user: userId } : {}), ...(options.all ? { all: 'true' } : {}) },
          })
        : await listTokensLocally(options.dataDir, userId);
      printLines(
        options,
        tokens,
        tokens.map((t) =>
          [
            t.id,
            t.user,
            t.label,
            t.expired ? 'expired' : `expires ${when(t.expiresAt)}`,
            `last used ${t.lastUsedAt === null ? 'never' : when(t.lastUsedAt)}`,
          ].join('\t'),
        ),
      );
    },
  );
  run(
    eitherRemoteOptions(
      localCommand(
        token,
        'revoke <id>',
        'revoke an API token by the id `token list` shows; it stops working (with --url: your own, or any as admin)',
      ),
    ),
    async (id: string, options: LocalOrRemote) => {
      if (options.url) {
        await client({ ...options, url: options.url }).call('DELETE /api/v1/tokens/{id}', { path: { id } });
        print(options, { id }, () => `token ${id} revoked`);
        return;
      }
      const revoked = await revokeTokenLocally(options.dataDir, id);
      print(options, revoked, () => `token ${revoked.id} of ${revoked.user} revoked`);
    },
  );
}
