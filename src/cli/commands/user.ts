/**
 * `parley user add|list|disable|enable|password`: the people (principals) of this party, on the
 * node's machine.
 */
import type { Command } from 'commander';
import { ParleyError } from '../../core/errors.js';
import { localCommand, run, type Local } from '../context.js';
import {
  ROLES,
  addUserLocally,
  listUsersLocally,
  setPasswordLocally,
  setUserDisabledLocally,
  type Role,
} from '../local-node.js';
import { print, printLines } from '../output.js';
import { choosePassword } from '../secrets.js';

interface AddOptions extends Local {
  role: string;
  office?: string;
  title: string;
  passwordStdin?: boolean;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('manage users (principals) of this party');
  run(
    localCommand(
      user,
      'add <id>',
      'add a user; the node creates and keeps their Ed25519 signing key and publishes the public key',
    )
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .option('--office <id>', 'office the user belongs to (required except for admin)')
      .option('--title <title>', 'title shown to others (e.g. "Duty officer")', '')
      .option(
        '--password-stdin',
        'read the password from stdin (else PARLEY_PASSWORD, else generated and shown once)',
      ),
    async (id: string, options: AddOptions) => {
      if (!ROLES.includes(options.role as Role)) {
        throw new ParleyError('validation_failed', `--role must be one of ${ROLES.join(', ')}`);
      }
      const { password, generated } = await choosePassword(options.passwordStdin, 'PARLEY_PASSWORD');
      const added = await addUserLocally(options.dataDir, {
        id,
        office: options.office ?? null,
        role: options.role as Role,
        title: options.title,
        password,
      });
      const result = {
        id: added.id,
        office: added.office,
        role: added.role,
        publicKey: added.publicKey,
        ...(generated ? { password } : {}),
      };
      print(options, result, () =>
        [
          `user ${added.id} added (${added.role}${added.office ? ` in ${added.office}` : ''})`,
          ...(generated ? [`password (shown once): ${password}`] : []),
        ].join('\n'),
      );
    },
  );
  run(localCommand(user, 'list', 'list users'), async (options: Local) => {
    const users = await listUsersLocally(options.dataDir);
    printLines(
      options,
      users,
      users.map((u) => `${u.id}\t${u.role}\t${u.office ?? '-'}\t${u.title}${u.disabled ? '\tdisabled' : ''}`),
    );
  });
  for (const action of ['disable', 'enable'] as const) {
    run(
      localCommand(
        user,
        `${action} <id>`,
        action === 'disable'
          ? 'disable a user: ends their sessions, API tokens and live streams'
          : 'enable a disabled user again (they need new API tokens)',
      ),
      async (id: string, options: Local) => {
        const changed = await setUserDisabledLocally(options.dataDir, id, action === 'disable');
        print(options, { id: changed.id, disabled: changed.disabled }, () => `user ${id} ${action}d`);
      },
    );
  }
  run(
    localCommand(user, 'password <id>', "set a user's password; ends their sessions").option(
      '--password-stdin',
      'read the password from stdin (else PARLEY_PASSWORD, else generated and shown once)',
    ),
    async (id: string, options: Local & { passwordStdin?: boolean }) => {
      const { password, generated } = await choosePassword(options.passwordStdin, 'PARLEY_PASSWORD');
      await setPasswordLocally(options.dataDir, id, password);
      print(options, { id, ...(generated ? { password } : {}) }, () =>
        [`password of ${id} changed`, ...(generated ? [`password (shown once): ${password}`] : [])].join(
          '\n',
        ),
      );
    },
  );
}
