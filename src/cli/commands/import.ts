/**
 * `parley import FILE`: a whole node exported by `parley export --all` put into an empty
 * database: the data directory's SQLite file by default, or PostgreSQL with `--database-url`
 * (workflows/backup/import-node.ts). All of it or nothing; refuses a non-empty target, a file
 * that is truncated, edited or of another format version, and a node key that is not the
 * exported node's.
 */
import type { Command } from 'commander';
import { databaseUrlOption, dataDirOption, run, type Local } from '../context.js';
import { checkDatabaseUrlFlag, importNodeLocally } from '../local-node.js';
import { print } from '../output.js';
import { rowProgress } from './export.js';

interface ImportOptions extends Local {
  databaseUrl?: string;
  nodeKey?: string;
}

export function registerImport(program: Command): void {
  run(
    databaseUrlOption(
      dataDirOption(program.command('import <file>')).description(
        'put a whole node exported with `parley export --all` into an empty node: SQLite in the data directory ' +
          '(default) or PostgreSQL (--database-url); all or nothing; the data directory needs the exported ' +
          "node's node.key (or --node-key)",
      ),
    ).option('--node-key <file>', "the exported node's node.key (mode 0600), copied into the data directory"),
    async (file: string, options: ImportOptions) => {
      const databaseUrl = checkDatabaseUrlFlag(options.databaseUrl);
      const progress = rowProgress('importing');
      const report = await importNodeLocally({
        dataDir: options.dataDir,
        from: file,
        databaseUrl,
        nodeKeyFile: options.nodeKey,
        onProgress: (done, total, phase) => {
          if (phase === 'importing') progress.update(done, total);
        },
      });
      progress.done();
      print(
        options,
        report,
        () =>
          `imported the node of ${report.party} (${report.fingerprint}) from ${report.from} ` +
          `(${report.source.engine} schema ${report.source.schemaVersion}) into ${report.storage}: ` +
          `${report.rows.toLocaleString('en')} rows in ${report.seconds.toFixed(1)} s.\n` +
          `Check it with \`parley verify --data-dir ${report.dataDir}\`, then start it with \`parley serve\`; ` +
          'stop the old node for good first (two nodes with one key would fork its chains).',
      );
    },
  );
}
