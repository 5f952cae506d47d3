/** `parley verify` and `parley export`: offline checks of everything a node or an export holds. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportChannel } from '../../workflows/audit/export.js';
import { verifyExportFile, verifyStorage, type VerifyReport } from '../../workflows/audit/verify.js';
import { ParleyError } from '../../core/errors.js';
import { dataDirOption, withNode } from '../context.js';
import { fail, print, Progress } from '../output.js';

function describe(report: VerifyReport): string {
  const lines = [
    `${report.ok ? 'OK' : 'FAILED'}: ${report.entries.toLocaleString('en')} entries in ${report.chains} chain(s) of ${report.channels} channel(s) checked in ${report.seconds.toFixed(2)} s`,
    ...Object.entries(report.nodeKeys).map(([party, fp]) => `trusted node key of ${party}: ${fp}`),
  ];
  for (const failure of report.failures)
    lines.push(`  ${failure.entry}: ${failure.rule}: ${failure.message}`);
  return lines.join('\n');
}

export function registerVerify(program: Command): void {
  dataDirOption(program.command('verify'))
    .description(
      'check every signature, chain link, Merkle root and checkpoint; exit status 1 when anything fails',
    )
    .option('--file <path>', 'verify a channel export file instead of the data directory')
    .option('--json', 'print JSON')
    .action(async (options: { dataDir: string; file?: string; json?: boolean }) => {
      try {
        let report: VerifyReport;
        if (options.file) {
          const progress = new Progress('verifying', 0);
          report = await verifyExportFile(resolve(options.file), (n) => progress.update(n));
          progress.done();
        } else {
          report = await withNode(options.dataDir, async (node) => {
            const progress = new Progress('verifying', await node.storage.countEntries());
            const result = await verifyStorage(node.storage, (n) => progress.update(n));
            progress.done();
            return result;
          });
        }
        print(options, report, () => describe(report));
        if (!report.ok) process.exitCode = 1;
      } catch (error) {
        fail(options, error);
        process.exitCode = 2;
      }
    });

  dataDirOption(program.command('export <channel>'))
    .description('write a channel as a self-contained file that `parley verify --file` checks offline')
    .requiredOption('-o, --out <path>', 'output file (JSON Lines)')
    .option('--json', 'print JSON')
    .action(async (channel: string, options: { dataDir: string; out: string; json?: boolean }) => {
      try {
        const result = await withNode(options.dataDir, async (node) => {
          if (!(await node.storage.getChannel(channel))) {
            throw new ParleyError('channel_not_found', `channel '${channel}' does not exist`);
          }
          const progress = new Progress('exporting', await node.storage.countEntries());
          const exported = await exportChannel(node.storage, channel, resolve(options.out), (n) =>
            progress.update(n),
          );
          progress.done();
          return exported;
        });
        print(
          options,
          { channel, file: resolve(options.out), ...result },
          () => `exported ${result.entries} entries of ${channel} to ${resolve(options.out)}`,
        );
      } catch (error) {
        fail(options, error);
      }
    });
}
