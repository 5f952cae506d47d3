/**
 * `parley export`: one channel as a self-contained file that `parley verify --file` checks
 * offline (docs/FORMAT.md), or with `--all` the whole node as a file that `parley import` puts into
 * an empty SQLite or PostgreSQL database (README "Moving a node between SQLite and PostgreSQL").
 * Both work while the node is serving.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportNodeChannel } from '../../workflows/audit/node-audit.js';
import { dataDirOption, run } from '../context.js';
import { exportNodeLocally, withNode } from '../local-node.js';
import { CliError, print, Progress } from '../output.js';

/** Without a terminal, long exports and imports log a progress line this often. */
const PROGRESS_LINE_MS = 5000;

/**
 * The progress of a node export or import, in rows: a bar on a terminal, else a line every few
 * seconds. Created at the first report, when the total is known.
 */
export function rowProgress(label: string): {
  update: (done: number, total: number) => void;
  done: () => void;
} {
  let progress: Progress | null = null;
  return {
    update(done, total) {
      progress ??= new Progress(label, total, { unit: 'rows', linesEveryMs: PROGRESS_LINE_MS });
      progress.update(done);
    },
    done: () => progress?.done(),
  };
}

interface ExportOptions {
  dataDir: string;
  all?: boolean;
  out?: string;
  to?: string;
  json?: boolean;
}

export function registerExport(program: Command): void {
  run(
    dataDirOption(program.command('export [channel]'))
      .description(
        'write a channel as a self-contained file that `parley verify --file` checks offline; with --all, the ' +
          'whole node (directory, channels, chains, receipts, checkpoints, cosignatures, peers and pins; not the ' +
          'node key) for `parley import` into SQLite or PostgreSQL',
      )
      .option('--all', 'export the whole node instead of one channel')
      .option('-o, --out <path>', 'output file (JSON Lines; with --all it must not exist)')
      .option('--to <path>', 'the same as --out'),
    async (channel: string | undefined, options: ExportOptions) => {
      const file = options.to ?? options.out;
      if (!file) throw new CliError('bad_request', 'give the output file with --to FILE (or --out FILE)', 2);
      if (options.all && channel !== undefined) {
        throw new CliError('bad_request', `--all exports the whole node; drop the channel '${channel}'`, 2);
      }
      if (!options.all && channel === undefined) {
        throw new CliError('bad_request', 'name a channel to export, or give --all for the whole node', 2);
      }
      if (options.all) {
        const progress = rowProgress('exporting');
        const report = await exportNodeLocally(options.dataDir, file, progress.update);
        progress.done();
        print(
          options,
          report,
          () =>
            `exported the node of ${report.party} (${report.fingerprint}, ${report.engine} schema ` +
            `${report.schemaVersion}) to ${report.path}: ${report.rows.toLocaleString('en')} rows of ` +
            `${Object.keys(report.tables).length} tables, ${report.bytes.toLocaleString('en')} bytes, ` +
            `SHA-256 ${report.sha256}, in ${report.seconds.toFixed(1)} s.\n` +
            'The node key (node.key) is not in it: copy it to the new data directory yourself, or pass it to ' +
            '`parley import --node-key`.',
        );
        return;
      }
      const id = channel!;
      const result = await withNode(options.dataDir, async (node) => {
        let progress: Progress | null = null;
        const exported = await exportNodeChannel(node, id, resolve(file), (done, total) => {
          progress ??= new Progress('exporting', total);
          progress.update(done);
        });
        (progress ?? new Progress('exporting', 0)).done();
        return exported;
      });
      print(
        options,
        { channel: id, file: resolve(file), ...result },
        () => `exported ${result.entries} entries of ${id} to ${resolve(file)}`,
      );
    },
  );
}
