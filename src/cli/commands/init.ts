/** `parley init`: creates a node's key, database and first administrator. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { initNode } from '../../workflows/open-node.js';
import { checkDatabaseUrlFlag, dataDirOption, databaseUrlOption } from '../context.js';
import { fail, print } from '../output.js';
import { choosePassword } from '../secrets.js';

export function registerInit(program: Command): void {
  databaseUrlOption(dataDirOption(program.command('init')))
    .description(
      "create this party's node: Ed25519 node key (mode 0600), database (SQLite in the data dir, or " +
        'PostgreSQL with --database-url / PARLEY_DATABASE_URL) and an admin user',
    )
    .requiredOption('--party <id>', 'party id, upper case (e.g. RU)')
    .requiredOption('--name <name>', 'party name (e.g. "Russian Federation")')
    .option('--admin <id>', 'id of the first administrator', 'admin')
    .option(
      '--password-stdin',
      'read the admin password from stdin (else PARLEY_ADMIN_PASSWORD, else generated)',
    )
    .option('--json', 'print JSON')
    .action(
      async (options: {
        dataDir: string;
        party: string;
        name: string;
        admin: string;
        passwordStdin?: boolean;
        databaseUrl?: string;
        json?: boolean;
      }) => {
        try {
          const databaseUrl = checkDatabaseUrlFlag(options.databaseUrl);
          const { password, generated } = await choosePassword(
            options.passwordStdin,
            'PARLEY_ADMIN_PASSWORD',
          );
          const node = await initNode({
            dataDir: resolve(options.dataDir),
            party: options.party,
            partyName: options.name,
            adminId: options.admin,
            adminPassword: password,
            databaseUrl,
          });
          const result = {
            dataDir: resolve(options.dataDir),
            storage: node.storage.engine,
            party: node.party,
            fingerprint: node.fingerprint,
            nodePublicKey: node.nodePublicKey,
            admin: options.admin,
            ...(generated ? { adminPassword: password } : {}),
          };
          await node.close();
          print(options, result, () =>
            [
              `Node for ${options.party} (${options.name}) created in ${result.dataDir} (storage: ${result.storage})`,
              `Node key fingerprint: ${result.fingerprint}`,
              '  (give it to peers out of band; they pin it)',
              `Administrator: ${options.admin}`,
              ...(generated ? [`Administrator password (shown once): ${password}`] : []),
            ].join('\n'),
          );
        } catch (error) {
          fail(options, error);
        }
      },
    );
}
