/**
 * `parley user add|list|disable|enable|password|rotate-key|revoke-key|passkeys`: the people
 * (principals) of this party, on the node's machine; `disable`, `enable`, `password`, `rotate-key`
 * and `revoke-key` also over the API with `--url` and a token (an administrator's, or for
 * `password` and `rotate-key` one's own).
 */
import type { Command } from 'commander';
import { ParleyError } from '../../core/errors.js';
import {
  client,
  eitherRemoteOptions,
  localCommand,
  run,
  type Local,
  type LocalOrRemote,
} from '../context.js';
import {
  ROLES,
  addUserLocally,
  listPasskeysLocally,
  listUsersLocally,
  removePasskeyLocally,
  revokeKeyLocally,
  rotateKeyLocally,
  setPasswordLocally,
  setUserDisabledLocally,
  type Role,
} from '../local-node.js';
import { print, printLines } from '../output.js';
import { usage } from '../parse.js';
import { choosePassword, readStdin } from '../secrets.js';
import { registerUserAlerting } from './alerting.js';

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
      eitherRemoteOptions(
        localCommand(
          user,
          `${action} <id>`,
          action === 'disable'
            ? 'disable a user: ends their sessions, API tokens and live streams (with --url: as an admin over the API)'
            : 'enable a disabled user again (they need new API tokens; with --url: as an admin over the API)',
        ),
      ),
      async (id: string, options: LocalOrRemote) => {
        const changed = options.url
          ? await client({ ...options, url: options.url }).post(`/api/v1/users/{id}/${action}`, {
              path: { id },
            })
          : await setUserDisabledLocally(options.dataDir, id, action === 'disable');
        print(options, { id: changed.id, disabled: changed.disabled }, () => `user ${id} ${action}d`);
      },
    );
  }
  run(
    localCommand(
      user,
      'passkeys <id>',
      "list a user's passkeys (id, name, created, last used), or remove one with --remove",
    ).option(
      '--remove <credential-id>',
      'remove this passkey (a lost or cloned authenticator); if the node requires one for the role, the user registers a new one at the next login',
    ),
    async (id: string, options: Local & { remove?: string }) => {
      if (options.remove !== undefined) {
        const removed = await removePasskeyLocally(options.dataDir, id, options.remove);
        print(options, { removed }, () => `passkey '${removed.name}' of ${id} removed`);
        return;
      }
      const passkeys = await listPasskeysLocally(options.dataDir, id);
      const when = (at: number | null) => (at === null ? 'never used' : new Date(at).toISOString());
      printLines(
        options,
        passkeys,
        passkeys.map(
          (p) => `${p.id}\t${p.name}\t${new Date(p.createdAt).toISOString()}\t${when(p.lastUsedAt)}`,
        ),
        `${id} has no passkeys`,
      );
    },
  );
  run(
    eitherRemoteOptions(
      localCommand(
        user,
        'password <id>',
        "set a user's password; ends their sessions. With --url you change your own over the API, " +
          'proving the current one (PARLEY_CURRENT_PASSWORD); your other sessions end',
      ),
    ).option(
      '--password-stdin',
      'read the new password from stdin (else PARLEY_PASSWORD, else generated and shown once)',
    ),
    async (id: string, options: LocalOrRemote & { passwordStdin?: boolean }) => {
      const current = process.env.PARLEY_CURRENT_PASSWORD;
      if (options.url && !current)
        throw usage('with --url set PARLEY_CURRENT_PASSWORD to your current password');
      const { password, generated } = await choosePassword(options.passwordStdin, 'PARLEY_PASSWORD');
      if (options.url) {
        const api = client({ ...options, url: options.url });
        const me = (await api.get('/api/v1/me')).principal.id;
        if (me !== id)
          throw usage(`with --url you change your own password: the token is ${me}'s, not ${id}'s`);
        await api.post('/api/v1/me/password', { body: { current: current!, next: password } });
      } else {
        await setPasswordLocally(options.dataDir, id, password);
      }
      print(options, { id, ...(generated ? { password } : {}) }, () =>
        [`password of ${id} changed`, ...(generated ? [`password (shown once): ${password}`] : [])].join(
          '\n',
        ),
      );
    },
  );
  run(
    eitherRemoteOptions(
      localCommand(
        user,
        'rotate-key <id>',
        "replace a user's signing key, proving their password (PARLEY_PASSWORD or --password-stdin): " +
          'the new key is published in their channels and the old one revoked there; what it signed ' +
          'stays valid. Their sessions end; their API tokens keep reading but no longer sign. With ' +
          '--url you rotate your own over the API',
      ),
    ).option('--password-stdin', "read the user's password from stdin (else PARLEY_PASSWORD)"),
    async (id: string, options: LocalOrRemote & { passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? await readStdin() : process.env.PARLEY_PASSWORD;
      if (!password) throw usage(`give ${id}'s password: PARLEY_PASSWORD or --password-stdin`);
      let change;
      if (options.url) {
        const api = client({ ...options, url: options.url });
        const me = (await api.get('/api/v1/me')).principal.id;
        if (me !== id) throw usage(`with --url you rotate your own key: the token is ${me}'s, not ${id}'s`);
        change = await api.post('/api/v1/me/key/rotate', { body: { password } });
      } else {
        change = await rotateKeyLocally(options.dataDir, id, password);
      }
      print(options, change, () =>
        [
          `key of ${id} rotated: ${change.publicKey}`,
          change.revokedKey ? `revoked: ${change.revokedKey}` : 'no earlier key to revoke',
          `${change.entries} entries appended; ${change.sessionsEnded} sessions ended`,
          'API tokens made before no longer sign: create new ones (parley token create)',
        ].join('\n'),
      );
    },
  );
  run(
    eitherRemoteOptions(
      localCommand(
        user,
        'revoke-key <id>',
        "revoke a user's signing key (a lost device, a suspected copy): published as revoked in every " +
          'channel, so every node refuses what it signs from now on; their sessions and API tokens end. ' +
          'They sign again after `parley user rotate-key` with their password (with --url: as an admin over the API)',
      ),
    ).requiredOption('--reason <text>', 'why, as every party will read it (e.g. "laptop lost")'),
    async (id: string, options: LocalOrRemote & { reason: string }) => {
      const change = options.url
        ? await client({ ...options, url: options.url }).post('/api/v1/users/{id}/key/revoke', {
            path: { id },
            body: { reason: options.reason },
          })
        : await revokeKeyLocally(options.dataDir, id, options.reason);
      print(options, change, () =>
        [
          `key of ${id} revoked: ${change.revokedKey}`,
          `${change.entries} entries appended; ${change.sessionsEnded} sessions and ${change.tokensEnded} API tokens ended`,
        ].join('\n'),
      );
    },
  );
  registerUserAlerting(user);
}
