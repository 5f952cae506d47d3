/**
 * Every kind this node knows, listed explicitly: the node, the federation receiver and the
 * verifier are all given this one registry (no kind is registered by importing a module).
 */
import { KindRegistry } from '../core/kinds.js';
import { channelsKinds } from './channels/kinds.js';
import { briefingsKinds } from './contacts/briefings/kinds.js';
import { contactsKinds } from './contacts/kinds.js';
import { invitationsKinds } from './contacts/invitations/kinds.js';
import { readoutsKinds } from './contacts/readouts/kinds.js';
import { directoryKinds } from './directory/kinds.js';
import { entriesKinds } from './entries/kinds.js';
import { languageKinds } from './language/kinds.js';
import { obligationsKinds } from './obligations/kinds.js';
import { publicStatementsKinds } from './public-statements/kinds.js';
import { statementsKinds } from './statements/kinds.js';
import { templatesKinds } from './templates/kinds.js';

export const ALL_KINDS = new KindRegistry([
  ...channelsKinds,
  ...directoryKinds,
  ...entriesKinds,
  ...obligationsKinds,
  ...languageKinds,
  ...templatesKinds,
  ...statementsKinds,
  ...publicStatementsKinds,
  ...briefingsKinds,
  ...invitationsKinds,
  ...contactsKinds,
  ...readoutsKinds,
]);
