/** `parley office add|list`, `parley user add|list` and `parley token create`: run on the node's machine. */
import type { Command } from 'commander';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from '../../workflows/directory/tokens.js';
import { ParleyError } from '../../core/errors.js';
import { ROLES, type Role } from '../../storage/storage.js';
import { LOCAL_OPERATOR, dataDirOption, withNode } from '../context.js';
import { fail, print } from '../output.js';
import { choosePassword } from '../secrets.js';
import { addOffice, addPrincipal } from '../../workflows/directory/commands.js';

interface Common {
  dataDir: string;
  json?: boolean;
}

export function registerDirectory(program: Command): void {
  const office = program.command('office').description('manage offices of this party');
  dataDirOption(office.command('add <id> <name>'))
    .description('add an office (e.g. ru-svr "Foreign Intelligence Service")')
    .option('--json', 'print JSON')
    .action(async (id: string, name: string, options: Common) => {
      try {
        const added = await withNode(options.dataDir, (node) =>
          addOffice(node, LOCAL_OPERATOR, { id, name }),
        );
        print(options, added, () => `office ${added.id} added: ${added.name}`);
      } catch (error) {
        fail(options, error);
      }
    });
  dataDirOption(office.command('list'))
    .description('list offices')
    .option('--json', 'print JSON')
    .action(async (options: Common) => {
      try {
        const offices = await withNode(options.dataDir, (node) => node.storage.listOffices());
        print(options, offices, () => offices.map((o) => `${o.id}\t${o.name}`).join('\n') || '(no offices)');
      } catch (error) {
        fail(options, error);
      }
    });

  const user = program.command('user').description('manage users (principals) of this party');
  dataDirOption(user.command('add <id>'))
    .description(
      'add a user; the node creates and keeps their Ed25519 signing key and publishes the public key',
    )
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--office <id>', 'office the user belongs to (required except for admin)')
    .option('--title <title>', 'title shown to others (e.g. "Duty officer")', '')
    .option(
      '--password-stdin',
      'read the password from stdin (else PARLEY_PASSWORD, else generated and shown once)',
    )
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        options: Common & { role: string; office?: string; title: string; passwordStdin?: boolean },
      ) => {
        try {
          if (!ROLES.includes(options.role as Role)) {
            throw new ParleyError('validation_failed', `--role must be one of ${ROLES.join(', ')}`);
          }
          const { password, generated } = await choosePassword(options.passwordStdin, 'PARLEY_PASSWORD');
          const added = await withNode(options.dataDir, (node) =>
            addPrincipal(node, LOCAL_OPERATOR, {
              id,
              office: options.office ?? null,
              role: options.role as Role,
              title: options.title,
              password,
            }),
          );
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
        } catch (error) {
          fail(options, error);
        }
      },
    );
  dataDirOption(user.command('list'))
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (options: Common) => {
      try {
        const users = await withNode(options.dataDir, (node) => node.storage.listPrincipals());
        const shown = users.map((u) => ({
          id: u.id,
          office: u.office,
          role: u.role,
          title: u.title,
          disabled: u.disabled,
        }));
        print(options, shown, () =>
          shown.map((u) => `${u.id}\t${u.role}\t${u.office ?? '-'}\t${u.title}`).join('\n'),
        );
      } catch (error) {
        fail(options, error);
      }
    });

  const token = program.command('token').description('API tokens for scripts and the CLI');
  dataDirOption(token.command('create <user>'))
    .description('create a bearer API token for a user (shown once; use it as PARLEY_TOKEN)')
    .option('--label <label>', 'what the token is for', 'cli')
    .option('--json', 'print JSON')
    .action(async (userId: string, options: Common & { label: string }) => {
      try {
        const secret = newSecret(API_TOKEN_PREFIX);
        await withNode(options.dataDir, async (node) => {
          const principal = await node.storage.getPrincipal(userId);
          if (!principal) throw new ParleyError('principal_not_found', `user '${userId}' does not exist`);
          await node.storage.createApiToken({
            tokenHash: hashSecret(secret),
            principal: userId,
            label: options.label,
            createdAt: Date.now(),
          });
          await node.storage.recordAudit({
            at: Date.now(),
            type: 'token_created',
            principal: userId,
            ip: null,
            detail: `cli: ${options.label}`,
          });
        });
        print(options, { user: userId, label: options.label, token: secret }, () => secret);
      } catch (error) {
        fail(options, error);
      }
    });
}
