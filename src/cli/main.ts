/**
 * The `parley` command. Admin commands (init, office, user, token, channel create/accept/list,
 * peer self/add/list, verify, export) work on the data directory of a node on this machine
 * (through local-node.ts); a principal's everyday commands (send, inbox, ack, log, …) talk to a
 * running node over its HTTP API with an API token (through the typed client in api-client.ts).
 */
import { Command } from 'commander';
import { registerAnswer } from './commands/answer.js';
import { registerBackup } from './commands/backup.js';
import { registerChannel } from './commands/channel.js';
import { registerClarify } from './commands/clarify.js';
import { registerDemo } from './commands/demo.js';
import { registerEntry } from './commands/entry.js';
import { registerExport } from './commands/export.js';
import { registerGlossary } from './commands/glossary.js';
import { registerImport } from './commands/import.js';
import { registerInbox } from './commands/inbox.js';
import { registerInit } from './commands/init.js';
import { registerMigrate } from './commands/migrate.js';
import { registerNodeKey } from './commands/node-key.js';
import { registerOffice } from './commands/office.js';
import { registerAlerts } from './commands/alerting.js';
import { registerPeer } from './commands/peer.js';
import { registerReadout } from './commands/readout.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { registerStatement } from './commands/statement.js';
import { registerPublicStatement } from './commands/public-statement.js';
import { registerSummary } from './commands/summary.js';
import { registerBriefing } from './commands/briefing.js';
import { registerInvitation } from './commands/invitation.js';
import { registerCommitment, registerContactOrder } from './commands/commitment.js';
import { registerTemplate } from './commands/template.js';
import { registerToken } from './commands/token.js';
import { registerAuditLog } from './commands/audit-log.js';
import { registerTranslation } from './commands/translation.js';
import { registerUser } from './commands/user.js';
import { registerVerify } from './commands/verify.js';

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
PARLEY_ESCALATION_SECONDS, PARLEY_RECOVERY_TIMEOUT_MS (how long each peer has to answer at start).`,
  );

// One file per noun under commands/; the order is the order of `parley --help`.
for (const register of [
  registerInit,
  registerServe,
  registerMigrate,
  registerNodeKey,
  registerOffice,
  registerAlerts,
  registerUser,
  registerToken,
  registerAuditLog,
  registerChannel,
  registerPeer,
  registerEntry,
  registerInbox,
  registerSearch,
  registerAnswer,
  registerClarify,
  registerStatement,
  registerPublicStatement,
  registerReadout,
  registerSummary,
  registerBriefing,
  registerInvitation,
  registerContactOrder,
  registerCommitment,
  registerTranslation,
  registerGlossary,
  registerTemplate,
  registerVerify,
  registerExport,
  registerImport,
  registerBackup,
  registerDemo,
])
  register(program);

await program.parseAsync(process.argv);
