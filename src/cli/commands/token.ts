/**
 * `parley token create|list|revoke`: bearer API tokens for scripts and the CLI, on the node's
 * machine. Tokens expire (90 days unless `--expires-in`); a list never shows a secret.
 */
import type { Command } from 'commander';
import { ParleyError } from '../../core/errors.js';
import { localCommand, run, type Local } from '../context.js';
import { createTokenLocally, listTokensLocally, revokeTokenLocally } from '../local-node.js';
import { print, printLines } from '../output.js';

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
    localCommand(
      token,
      'create <user>',
      'create a bearer API token for a user (shown once; use it as PARLEY_TOKEN)',
    )
      .option('--label <label>', 'what the token is for', 'cli')
      .option('--expires-in <lifetime>', 'how long it works: 30m, 12h, 90d (at most 5 years)', '90d'),
    async (userId: string, options: Local & { label: string; expiresIn: string }) => {
      const issued = await createTokenLocally(
        options.dataDir,
        userId,
        options.label,
        parseLifetime(options.expiresIn),
      );
      print(
        options,
        {
          user: userId,
          id: issued.id,
          label: issued.label,
          expiresAt: issued.expiresAt,
          token: issued.token,
        },
        () => issued.token,
      );
    },
  );
  run(
    localCommand(token, 'list [user]', 'list API tokens (id, user, label, expiry; never the secrets)'),
    async (userId: string | undefined, options: Local) => {
      const tokens = await listTokensLocally(options.dataDir, userId);
      printLines(
        options,
        tokens,
        tokens.map(
          (t) => `${t.id}\t${t.user}\t${t.label}\t${t.expired ? 'expired' : `expires ${when(t.expiresAt)}`}`,
        ),
      );
    },
  );
  run(
    localCommand(token, 'revoke <id>', 'revoke an API token by the id `token list` shows; it stops working'),
    async (id: string, options: Local) => {
      const revoked = await revokeTokenLocally(options.dataDir, id);
      print(options, revoked, () => `token ${revoked.id} of ${revoked.user} revoked`);
    },
  );
}
