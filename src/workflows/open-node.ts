/**
 * Opening and creating a node with every kind this build knows (all-kinds.ts): the one place
 * where the explicit list of kinds is handed to the node.
 */
import { ParleyError } from '../core/errors.js';
import { ParleyNode, type OpenOptions } from '../node/parley-node.js';
import { ALL_KINDS } from './all-kinds.js';
import { addPrincipalUnchecked } from './directory/commands.js';
import { passwordProblem } from './directory/password.js';
import { startSearchIndex } from './search/commands.js';

export interface InitOptions {
  dataDir: string;
  party: string;
  partyName: string;
  adminId: string;
  adminPassword: string;
  /**
   * A PostgreSQL URL (without password); else PARLEY_DATABASE_URL, else SQLite in the data
   * directory. A PostgreSQL URL is recorded (without password) in the data directory.
   */
  databaseUrl?: string;
  /** Seal the node key under this passphrase (node/node-key.ts) instead of writing it plain. */
  nodeKeyPassphrase?: string;
}

/** Creates a node's data directory, key, database and first administrator. */
export async function initNode(options: InitOptions): Promise<ParleyNode> {
  const node = await ParleyNode.create({
    dataDir: options.dataDir,
    party: options.party,
    partyName: options.partyName,
    kinds: ALL_KINDS,
    // Checked before anything is created, so a weak password leaves no half-made data directory.
    check: () => {
      const weak = passwordProblem(options.adminPassword);
      if (weak) throw new ParleyError('password_too_weak', weak);
    },
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.nodeKeyPassphrase ? { nodeKeyPassphrase: options.nodeKeyPassphrase } : {}),
  });
  await startSearchIndex(node);
  await addPrincipalUnchecked(node, {
    id: options.adminId,
    office: null,
    role: 'admin',
    title: 'Administrator',
    password: options.adminPassword,
  });
  return node;
}

/** Opens an initialised data directory, its search index kept whole (search/commands.ts). */
export async function openNode(
  dataDir: string,
  options: Omit<OpenOptions, 'kinds'> = {},
): Promise<ParleyNode> {
  const node = await ParleyNode.open(dataDir, { ...options, kinds: ALL_KINDS });
  try {
    await startSearchIndex(node);
  } catch (error) {
    await node.close();
    throw error;
  }
  return node;
}
