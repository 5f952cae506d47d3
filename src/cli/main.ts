/**
 * The `parley` command. Admin commands (init, office, user, token, channel, verify, export) work
 * on the data directory of a node on this machine; a principal's everyday commands (send, inbox,
 * ack, log) talk to a running node over its HTTP API with an API token.
 */
import { Command } from 'commander';
import { registerChannel } from './commands/channel.js';
import { registerDemo } from './commands/demo.js';
import { registerDirectory } from './commands/directory.js';
import { registerEntries } from './commands/entries.js';
import { registerInit } from './commands/init.js';
import { registerLanguage } from './commands/language.js';
import { registerPeer } from './commands/peer.js';
import { registerServe } from './commands/serve.js';
import { registerStatements } from './commands/statements.js';
import { registerVerify } from './commands/verify.js';
import { registerWorkflow } from './commands/workflow.js';

const program = new Command('parley')
  .description('Parley: signed, durable channels between sovereign parties')
  .version('0.1.0')
  // `--version` after a subcommand is that command's own flag (`template publish --version 2`).
  .enablePositionalOptions()
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Environment: PARLEY_DATA_DIR (default ./data), PARLEY_URL (default http://127.0.0.1:7410),
PARLEY_TOKEN (API token for the commands that act as a person), PARLEY_HOST, PARLEY_PORT,
PARLEY_LOG_LEVEL, PARLEY_DATABASE_URL (PostgreSQL instead of SQLite), PARLEY_HEARTBEAT_SECONDS,
PARLEY_ESCALATION_SECONDS.`,
  );

registerInit(program);
registerServe(program);
registerDirectory(program);
registerChannel(program);
registerPeer(program);
registerEntries(program);
registerWorkflow(program);
registerStatements(program);
registerLanguage(program);
registerVerify(program);
registerDemo(program);

await program.parseAsync(process.argv);
