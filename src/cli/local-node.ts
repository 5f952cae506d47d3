/**
 * Everything the CLI does directly to a node's data directory on this machine, in one place: the
 * admin commands (init, office/user add, token create, channel create/accept, peer self/add/list,
 * the lists), opening the node for `serve`, and the demo's set-up and final check. No other CLI
 * module touches `ParleyNode` or its storage; they call these functions, and everything else goes
 * through the HTTP API (api-client.ts).
 *
 * Whoever can run commands on the node's machine with access to its data directory already holds
 * the node key, so these act as the local operator (an admin), not as a person with a token.
 */
import { resolve } from 'node:path';
import { federationContextOf } from '../federation/node-context.js';
import { pinPeer } from '../federation/pin-peer.js';
import { isInitialised } from '../node/data-dir.js';
import type { ParleyNode } from '../node/parley-node.js';
import { hasPassword } from '../storage/postgres/database-url.js';
import { ROLES, type Principal, type Role } from '../core/model.js';
import { verifyNode } from '../workflows/audit/node-audit.js';
import { backupNode } from '../workflows/backup/backup.js';
import { exportWholeNode } from '../workflows/backup/export-node.js';
import { importWholeNode, type NodeImportRequest } from '../workflows/backup/import-node.js';
import { restoreDataDir } from '../workflows/backup/restore.js';
import type { VerifyReport } from '../workflows/audit/report.js';
import { acceptChannel, createChannel, type NewChannel } from '../workflows/channels/commands.js';
import { listChannels } from '../workflows/channels/queries.js';
import { addOffice, addPrincipal, type NewPrincipal } from '../workflows/directory/commands.js';
import { listOffices, listPrincipals } from '../workflows/directory/queries.js';
import { revokeKey, rotateKeyWithPassword } from '../workflows/directory/key-rotation.js';
import {
  listTokens,
  revokeToken,
  setAccountDisabled,
  setPasswordFor,
} from '../workflows/directory/accounts.js';
import { createApiTokenFor, issueTokensForEveryone } from '../workflows/directory/sessions.js';
import { listPasskeys, removePasskeyOf } from '../workflows/directory/passkeys.js';
import { openNode as openNodeWithKinds, initNode } from '../workflows/open-node.js';
import { listPeers } from '../workflows/oversight/queries.js';
import { CliError } from './output.js';

export { ROLES, isInitialised, type Role };

/** The admin that commands run on the node's own machine act as. */
export const LOCAL_OPERATOR: Principal = {
  id: 'local-operator',
  office: null,
  role: 'admin',
  title: 'Local operator',
  passwordHash: '',
  publicKey: '',
  privateKey: '',
  createdAt: 0,
  disabled: false,
};

/**
 * Opens the node for one command and closes it. Pending schema migrations are refused (only
 * `parley migrate` and `parley serve --migrate` apply them), so an older process still serving the
 * database is never surprised by a newer schema.
 */
export async function withNode<T>(
  dataDir: string,
  work: (node: ParleyNode) => Promise<T>,
  migrations: 'apply' | 'refuse' = 'refuse',
): Promise<T> {
  const node = await openNodeWithKinds(resolve(dataDir), { migrations });
  try {
    return await work(node);
  } finally {
    await node.close();
  }
}

/** Refuses a password in `--database-url`, where other users can read it (ps). */
export function checkDatabaseUrlFlag(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let withPassword: boolean;
  try {
    withPassword = hasPassword(url);
  } catch (error) {
    throw new CliError('validation_failed', `--database-url: ${(error as Error).message}`, 2);
  }
  if (withPassword) {
    throw new CliError(
      'validation_failed',
      '--database-url must not contain a password (command lines are visible to other users); ' +
        'set PGPASSWORD, or give the whole URL in PARLEY_DATABASE_URL',
      2,
    );
  }
  return url;
}

// --- init and serve ---

export interface InitRequest {
  dataDir: string;
  party: string;
  partyName: string;
  adminId: string;
  adminPassword: string;
  databaseUrl?: string | undefined;
  nodeKeyPassphrase?: string | undefined;
}

/** Creates a node (key, database, first admin); what `parley init` reports. */
export async function initNodeLocally(request: InitRequest) {
  const dataDir = resolve(request.dataDir);
  const { nodeKeyPassphrase, ...rest } = request;
  const node = await initNode({ ...rest, dataDir, ...(nodeKeyPassphrase ? { nodeKeyPassphrase } : {}) });
  try {
    return {
      dataDir,
      storage: node.storageEngine,
      party: node.party,
      fingerprint: node.fingerprint,
      nodePublicKey: node.nodePublicKey,
    };
  } finally {
    await node.close();
  }
}

/** Opens the node `parley serve` runs; the caller closes it (through the server). */
export function openNode(
  dataDir: string,
  databaseUrl: string | undefined,
  migrations: 'apply' | 'refuse',
): Promise<ParleyNode> {
  return openNodeWithKinds(resolve(dataDir), { databaseUrl, migrations });
}

/** `parley migrate`: applies the schema migrations a node's database has not had yet. */
export const migrateLocally = (dataDir: string) =>
  withNode(
    dataDir,
    async (node) => ({ storage: node.storageEngine, applied: [...node.migrationsApplied] }),
    'apply',
  );

// --- offices, users, tokens ---

export const addOfficeLocally = (dataDir: string, office: { id: string; name: string }) =>
  withNode(dataDir, (node) => addOffice(node, LOCAL_OPERATOR, office));

export const listOfficesLocally = (dataDir: string) => withNode(dataDir, (node) => listOffices(node));

export const addUserLocally = (dataDir: string, user: NewPrincipal) =>
  withNode(dataDir, (node) => addPrincipal(node, LOCAL_OPERATOR, user));

/** The users without their keys and password hashes. */
export const listUsersLocally = (dataDir: string) =>
  withNode(dataDir, async (node) =>
    (await listPrincipals(node)).map((u) => ({
      id: u.id,
      office: u.office,
      role: u.role,
      title: u.title,
      disabled: u.disabled,
    })),
  );

/**
 * `parley token create`: a token for an existing user, recorded in the audit log; with the user's
 * own password it carries their unlocked signing key, without it the token only reads.
 */
export const createTokenLocally = (
  dataDir: string,
  userId: string,
  label: string,
  expiresInMs?: number,
  personPassword?: string,
) =>
  withNode(dataDir, (node) =>
    createApiTokenFor(node, LOCAL_OPERATOR, userId, label, expiresInMs, personPassword),
  );

/** `parley token list`: one user's tokens, or everyone's (never their secrets). */
export const listTokensLocally = (dataDir: string, userId?: string) =>
  withNode(dataDir, (node) =>
    listTokens(node, LOCAL_OPERATOR, userId === undefined ? { all: true } : { user: userId }),
  );

/**
 * `parley token revoke`. A running server in another process notices within its token cache
 * time (5 s) and its live-stream re-check (15 s).
 */
export const revokeTokenLocally = (dataDir: string, id: string) =>
  withNode(dataDir, (node) => revokeToken(node, LOCAL_OPERATOR, id, null));

/** `parley user disable|enable`: ends the user's sessions and tokens when disabling. */
export const setUserDisabledLocally = (dataDir: string, id: string, disabled: boolean) =>
  withNode(dataDir, (node) => setAccountDisabled(node, LOCAL_OPERATOR, id, disabled, null));

/** `parley user password`: sets a user's password and ends their sessions. */
export const setPasswordLocally = (dataDir: string, id: string, password: string) =>
  withNode(dataDir, (node) => setPasswordFor(node, LOCAL_OPERATOR, id, password));

/** `parley user rotate-key`: the person replaces their key, proving their password. */
export const rotateKeyLocally = (dataDir: string, id: string, password: string) =>
  withNode(dataDir, (node) => rotateKeyWithPassword(node, id, { password, ip: null }));

/** `parley user revoke-key`: the operator revokes a person's key. */
export const revokeKeyLocally = (dataDir: string, id: string, reason: string) =>
  withNode(dataDir, (node) => revokeKey(node, LOCAL_OPERATOR, id, { reason, ip: null }));

/** `parley user passkeys`: a user's passkeys (ids, names, last use; never key material). */
export const listPasskeysLocally = (dataDir: string, id: string) =>
  withNode(dataDir, (node) => listPasskeys(node, LOCAL_OPERATOR, id));

/** `parley user passkeys --remove`: removes a lost or cloned authenticator's passkey. */
export const removePasskeyLocally = (dataDir: string, id: string, credentialId: string) =>
  withNode(dataDir, (node) => removePasskeyOf(node, LOCAL_OPERATOR, id, credentialId, null));

// --- channels ---

export const createChannelLocally = (dataDir: string, channel: NewChannel) =>
  withNode(dataDir, (node) => createChannel(node, LOCAL_OPERATOR, channel));

export const acceptChannelLocally = (dataDir: string, id: string) =>
  withNode(dataDir, (node) => acceptChannel(node, LOCAL_OPERATOR, id));

export const listChannelsLocally = (dataDir: string) =>
  withNode(dataDir, (node) => listChannels(node, LOCAL_OPERATOR));

// --- peers ---

/** This node's party and key fingerprint, to give to peers out of band. */
export const nodeIdentityLocally = (dataDir: string) =>
  withNode(dataDir, async (node) => ({
    party: node.party,
    name: node.partyName,
    fingerprint: node.fingerprint,
    nodePublicKey: node.nodePublicKey,
  }));

export const pinPeerLocally = (
  dataDir: string,
  peer: {
    url: string;
    party: string;
    fingerprint: string;
    tlsCa: string | null;
    allowInsecureHttp?: boolean;
  },
) => withNode(dataDir, (node) => pinPeer(federationContextOf(node), { ...peer, by: null, ip: null }));

export const listPeersLocally = (dataDir: string) => withNode(dataDir, (node) => listPeers(node));

// --- the demo ---

export interface DemoParty {
  party: string;
  name: string;
  dataDir: string;
  fingerprint: string;
  /** A fresh API token per user id. */
  tokens: Record<string, string>;
}

/** A new demo node for one party with its offices and people (channels come later, over the API). */
export async function initDemoParty(request: {
  dataDir: string;
  party: string;
  name: string;
  password: string;
  offices: Array<{ id: string; name: string }>;
  principals: Array<{ id: string; office: string; role: string; title: string }>;
}): Promise<DemoParty> {
  const { dataDir, party, name, password } = request;
  const node = await initNode({
    dataDir,
    party,
    partyName: name,
    adminId: 'admin',
    adminPassword: password,
  });
  try {
    for (const office of request.offices)
      await addOffice(node, LOCAL_OPERATOR, { id: office.id, name: office.name });
    // Password hashing dominates; the thread pool hashes side by side.
    await Promise.all(
      request.principals.map((p) =>
        addPrincipal(node, LOCAL_OPERATOR, {
          id: p.id,
          office: p.office,
          role: p.role as Role,
          title: p.title,
          password,
        }),
      ),
    );
    return {
      party,
      name,
      dataDir,
      fingerprint: node.fingerprint,
      tokens: await issueTokensForEveryone(node, 'demo', password),
    };
  } finally {
    await node.close();
  }
}

/** An existing demo node: fresh API tokens for its users (unlocked with the demo's password). */
export async function reopenDemoParty(party: string, dataDir: string, password: string): Promise<DemoParty> {
  const node = await openNodeWithKinds(dataDir);
  try {
    if (node.party !== party)
      throw new CliError('validation_failed', `${dataDir} holds the node of ${node.party}`);
    return {
      party,
      name: node.partyName,
      dataDir,
      fingerprint: node.fingerprint,
      tokens: await issueTokensForEveryone(node, 'demo', password),
    };
  } finally {
    await node.close();
  }
}

/** Checks every signature, chain and checkpoint a stopped node holds. */
export function verifyDataDir(dataDir: string): Promise<VerifyReport> {
  return withNode(dataDir, (node) => verifyNode(node));
}

// --- backup and restore ---

/** `parley backup`: a consistent copy of the node's database, while the node may be serving. */
export const backupLocally = (dataDir: string, out: string) =>
  withNode(dataDir, (node) => backupNode(node, out));

/** `parley restore`: a backup of this node put in place of a stopped node's database. */
export const restoreLocally = (dataDir: string, from: string) => restoreDataDir(resolve(dataDir), from);

// --- moving a node between backends ---

/** `parley export --all`: the whole node in one file, while the node may be serving. */
export const exportNodeLocally = (
  dataDir: string,
  to: string,
  onProgress?: (done: number, total: number) => void,
) => withNode(dataDir, (node) => exportWholeNode(node, to, onProgress));

/** `parley import`: a node export put into an empty SQLite or PostgreSQL database. */
export const importNodeLocally = (request: NodeImportRequest) => importWholeNode(request);
