/**
 * `parley backup` and `parley restore` (README "Backup and restore"): an online, consistent copy
 * of a node's SQLite database, and putting one back in place in a stopped node's data directory.
 * A restored node recovers the entries it wrote after the backup from its peers when it starts.
 */
import type { Command } from 'commander';
import { dataDirOption, run, type Local } from '../context.js';
import { backupLocally, restoreLocally } from '../local-node.js';
import { print } from '../output.js';

export function registerBackup(program: Command): void {
  run(
    dataDirOption(program.command('backup'))
      .description(
        "copy the node's SQLite database to a new file (mode 0600), consistently, while the node may be serving; " +
          'PostgreSQL: use pg_dump',
      )
      .requiredOption('--out <file>', 'the backup file to create (must not exist)'),
    async (options: Local & { out: string }) => {
      const report = await backupLocally(options.dataDir, options.out);
      print(
        options,
        report,
        () =>
          `backed up the node of ${report.party} (${report.fingerprint}) to ${report.path}: ` +
          `${report.bytes.toLocaleString('en')} bytes, ${report.entries.toLocaleString('en')} entries. ` +
          'The node key (node.key) is not in it: keep it safe separately.',
      );
    },
  );

  run(
    dataDirOption(program.command('restore'))
      .description(
        "put a backup of this node in place of a stopped node's database (keeps node.key; refuses another node's " +
          'backup); at its next start the node recovers newer entries of its own chains from its peers',
      )
      .requiredOption('--from <file>', 'the backup file (made by `parley backup`)'),
    async (options: Local & { from: string }) => {
      const report = await restoreLocally(options.dataDir, options.from);
      print(options, report, () =>
        [
          `restored the node of ${report.party} (${report.fingerprint}) in ${report.dataDir} from ${report.from}: ` +
            `${report.entries.toLocaleString('en')} entries`,
          ...(report.keptAside ? [`the database it replaced is kept as ${report.keptAside}`] : []),
          'Start it with its peers reachable: at start it asks them for the entries it wrote after the backup ' +
            'and refuses writes (503 recovering) until they have answered.',
        ].join('\n'),
      );
    },
  );
}
