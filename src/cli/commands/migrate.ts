/**
 * `parley migrate`: brings a node's database (SQLite or its PostgreSQL schema) to this build's
 * schema. `parley serve` refuses to start on a database with pending migrations unless given
 * `--migrate`, so an upgrade is a deliberate step: stop every node process, back up, migrate.
 */
import type { Command } from 'commander';
import { localCommand, run, type Local } from '../context.js';
import { migrateLocally } from '../local-node.js';
import { print } from '../output.js';

export function registerMigrate(program: Command): void {
  run(
    localCommand(program, 'migrate', "apply the database schema migrations this node's database has not had"),
    async (options: Local) => {
      const result = await migrateLocally(options.dataDir);
      print(options, result, () =>
        result.applied.length === 0
          ? `the ${result.storage} database is current; nothing to migrate`
          : `applied migration(s) ${result.applied.join(', ')} to the ${result.storage} database`,
      );
    },
  );
}
