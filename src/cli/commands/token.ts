/** `parley token create`: bearer API tokens for scripts and the CLI, on the node's machine. */
import type { Command } from 'commander';
import { localCommand, run, type Local } from '../context.js';
import { createTokenLocally } from '../local-node.js';
import { print } from '../output.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for scripts and the CLI');
  run(
    localCommand(
      token,
      'create <user>',
      'create a bearer API token for a user (shown once; use it as PARLEY_TOKEN)',
    ).option('--label <label>', 'what the token is for', 'cli'),
    async (userId: string, options: Local & { label: string }) => {
      const secret = await createTokenLocally(options.dataDir, userId, options.label);
      print(options, { user: userId, label: options.label, token: secret }, () => secret);
    },
  );
}
