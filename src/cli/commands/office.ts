/**
 * `parley office add|list`: the offices of this party, on the node's machine; `roster` and
 * `webhook` over the API (alerting.ts).
 */
import type { Command } from 'commander';
import { localCommand, run, type Local } from '../context.js';
import { addOfficeLocally, listOfficesLocally } from '../local-node.js';
import { print, printLines } from '../output.js';
import { registerOfficeAlerting } from './alerting.js';

export function registerOffice(program: Command): void {
  const office = program.command('office').description('manage offices of this party');
  run(
    localCommand(office, 'add <id> <name>', 'add an office (e.g. ru-svr "Foreign Intelligence Service")'),
    async (id: string, name: string, options: Local) => {
      const added = await addOfficeLocally(options.dataDir, { id, name });
      print(options, added, () => `office ${added.id} added: ${added.name}`);
    },
  );
  run(localCommand(office, 'list', 'list offices'), async (options: Local) => {
    const offices = await listOfficesLocally(options.dataDir);
    printLines(
      options,
      offices,
      offices.map((o) => `${o.id}\t${o.name}`),
      '(no offices)',
    );
  });
  registerOfficeAlerting(office);
}
