/**
 * `parley backup`: a consistent copy of a node's SQLite database, taken while the node may be
 * serving (storage's online backup). The copy holds everything but the node key, which stays in
 * the data directory and is kept by a restore. PostgreSQL is backed up with its own tools
 * (README "Backup and restore").
 */
import { resolve } from 'node:path';
import { ParleyError } from '../../core/errors.js';
import type { NodeContext } from '../context.js';

export interface BackupReport {
  path: string;
  bytes: number;
  party: string;
  fingerprint: string;
  /** Entries of every chain held when the copy began (a lower bound of what it holds). */
  entries: number;
}

export async function backupNode(
  node: Pick<NodeContext, 'party' | 'fingerprint' | 'storage'>,
  out: string,
): Promise<BackupReport> {
  if (node.storage.engine !== 'sqlite') {
    throw new ParleyError(
      'validation_failed',
      'this node keeps its log in PostgreSQL: back it up with pg_dump --format=custom (one schema per node) ' +
        'or with base backups and WAL archiving (see README "Backup and restore")',
    );
  }
  const path = resolve(out);
  const entries = await node.storage.countEntries();
  let result;
  try {
    result = await node.storage.backupTo(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ParleyError('already_exists', `${path} exists; choose a new file for the backup`);
    throw error;
  }
  return { ...result, party: node.party, fingerprint: node.fingerprint, entries };
}
