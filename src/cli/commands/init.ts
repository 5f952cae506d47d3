/** `parley init`: creates a node's key, database and first administrator. */
import type { Command } from 'commander';
import { databaseUrlOption, localCommand, run, type Local } from '../context.js';
import { checkDatabaseUrlFlag, initNodeLocally } from '../local-node.js';
import { print } from '../output.js';
import { choosePassword } from '../secrets.js';
import { newPassphraseFromEnv } from './node-key.js';

interface InitOptions extends Local {
  party: string;
  name: string;
  admin: string;
  passwordStdin?: boolean;
  databaseUrl?: string;
  encryptNodeKey?: boolean;
}

export function registerInit(program: Command): void {
  run(
    databaseUrlOption(
      localCommand(
        program,
        'init',
        "create this party's node: Ed25519 node key (mode 0600), database (SQLite in the data dir, or " +
          'PostgreSQL with --database-url / PARLEY_DATABASE_URL) and an admin user',
      ),
    )
      .requiredOption('--party <id>', 'party id, upper case (e.g. RU)')
      .requiredOption('--name <name>', 'party name (e.g. "Russian Federation")')
      .option('--admin <id>', 'id of the first administrator', 'admin')
      .option(
        '--password-stdin',
        'read the admin password from stdin (else PARLEY_ADMIN_PASSWORD, else generated)',
      )
      .option(
        '--encrypt-node-key',
        'seal the node key under the passphrase in PARLEY_NODE_KEY_PASSPHRASE or the file PARLEY_NODE_KEY_PASSPHRASE_FILE (serve then needs it too)',
      ),
    async (options: InitOptions) => {
      const databaseUrl = checkDatabaseUrlFlag(options.databaseUrl);
      const nodeKeyPassphrase = options.encryptNodeKey ? newPassphraseFromEnv() : undefined;
      const { password, generated } = await choosePassword(options.passwordStdin, 'PARLEY_ADMIN_PASSWORD');
      const node = await initNodeLocally({
        dataDir: options.dataDir,
        party: options.party,
        partyName: options.name,
        adminId: options.admin,
        adminPassword: password,
        databaseUrl,
        nodeKeyPassphrase,
      });
      const result = { ...node, admin: options.admin, ...(generated ? { adminPassword: password } : {}) };
      print(options, result, () =>
        [
          `Node for ${options.party} (${options.name}) created in ${result.dataDir} (storage: ${result.storage})`,
          `Node key fingerprint: ${result.fingerprint}${nodeKeyPassphrase ? ' (key sealed under the passphrase)' : ''}`,
          '  (give it to peers out of band; they pin it)',
          `Administrator: ${options.admin}`,
          ...(generated ? [`Administrator password (shown once): ${password}`] : []),
        ].join('\n'),
      );
    },
  );
}
