/**
 * `parley demo`: runs the demo scenario (scenario/scenario.json) on federated nodes, one
 * `parley serve` process per party (RU and US, and NATO as the observer of the multilateral
 * channel) on loopback: creates each node in its own data dir under the demo dir, pins the nodes
 * to each other by fingerprint, proposes and accepts the scenario's channels, posts the timeline
 * through each author's own node, and keeps the nodes running until Ctrl-C. With --smoke it
 * checks that every node holds identical copies of every channel, stops the nodes, verifies each
 * data dir and exits (used by the tests). See src/cli/demo/.
 */
import type { Command } from 'commander';
import { runDemo } from '../demo/federated.js';
import { fail } from '../output.js';

export { DEMO_PASSWORD } from '../demo/federated.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the demo scenario on federated nodes (one process per party: RU, US and the observer NATO), loaded and ready to try',
    )
    .option(
      '-d, --data-dir <dir>',
      'demo dir: one data dir per party under it (default: a new temporary directory); an existing demo dir is served again',
    )
    .option('--parties <ids>', 'parties to run, comma-separated (RU and US at least)', 'RU,US,NATO')
    .option('--host <host>', 'address the nodes listen on', '127.0.0.1')
    .option('--port <port>', 'port of the first node, the others follow (0 picks free ports)', '7410')
    .option(
      '--smoke',
      'load, check identical copies on every node, stop, verify each node, exit (used by the tests)',
    )
    .action(
      async (options: { dataDir?: string; parties: string; host: string; port: string; smoke?: boolean }) => {
        try {
          // Every demo party runs on its own SQLite file in a temporary folder, never on a
          // database configured for a real node.
          delete process.env.PARLEY_DATABASE_URL;
          await runDemo(options);
        } catch (error) {
          fail({}, error);
        }
      },
    );
}
