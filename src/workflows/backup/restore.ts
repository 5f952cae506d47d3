/**
 * `parley restore`: puts a backup (backup.ts) in place as a stopped node's SQLite database.
 *
 * Refused while anything has the node's database open (a running node, another `parley` command:
 * SqliteStorage.assertUnused), for a data directory whose node lives in PostgreSQL (restore with
 * pg_restore there), and for a backup of another node: the backup's node public key must be the
 * key of the data directory's `node.key`, which a restore keeps. The database it replaces is kept
 * beside it (`parley.db.before-restore-<time>`), never deleted.
 *
 * A backup is older than the node's chains as its peers hold them; the node recovers the
 * difference from its peers at its next start (federation/recovery.ts) before it accepts writes.
 */
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ParleyError } from '../../core/errors.js';
import { fingerprint, publicKeyOf } from '../../core/keys.js';
import { readNodeKey } from '../../node/data-dir.js';
import { chooseStorage, sqlitePath } from '../../storage/open-storage.js';
import { SqliteStorage } from '../../storage/sqlite/sqlite-storage.js';

export interface RestoreReport {
  dataDir: string;
  from: string;
  party: string;
  fingerprint: string;
  /** Entries the restored database holds. */
  entries: number;
  /** Where the database it replaced was kept, or null when there was none. */
  keptAside: string | null;
}

export async function restoreDataDir(dataDirArg: string, fromArg: string): Promise<RestoreReport> {
  const dataDir = resolve(dataDirArg);
  const from = resolve(fromArg);
  // Throws not_found without a node key: a restore needs the node's own key, which it keeps.
  const nodeKey = readNodeKey(dataDir);
  const choice = chooseStorage(dataDir);
  if (choice.engine !== 'sqlite') {
    throw new ParleyError(
      'validation_failed',
      'this node keeps its log in PostgreSQL: restore it with pg_restore (see README "Backup and restore")',
    );
  }
  if (!existsSync(from)) throw new ParleyError('not_found', `no backup at ${from}`);
  const live = sqlitePath(dataDir);
  assertStopped(live);

  const staged = `${live}.restoring`;
  rmSync(staged, { force: true });
  copyFileSync(from, staged);
  chmodSync(staged, 0o600);
  let party: string;
  let entries: number;
  try {
    ({ party, entries } = await checkBackup(staged, from, publicKeyOf(nodeKey)));
  } catch (error) {
    rmSync(staged, { force: true });
    throw error;
  }

  assertStopped(live);
  let keptAside: string | null = null;
  if (existsSync(live)) {
    // Fold a WAL left by a crashed process into the file it belongs to before moving it aside.
    const old = SqliteStorage.open(live);
    old.checkpointWal();
    await old.close();
    keptAside = `${live}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(live, keptAside);
    for (const side of ['-wal', '-shm']) rmSync(`${live}${side}`, { force: true });
  }
  renameSync(staged, live);
  syncPath(dirname(live));
  return { dataDir, from, party, fingerprint: fingerprint(publicKeyOf(nodeKey)), entries, keptAside };
}

function assertStopped(live: string): void {
  try {
    SqliteStorage.assertUnused(live);
  } catch (error) {
    throw new ParleyError('state_conflict', (error as Error).message);
  }
}

/** Opens the staged copy (bringing an older schema up to date) and checks whose node it is. */
async function checkBackup(
  staged: string,
  from: string,
  nodePublicKey: string,
): Promise<{ party: string; entries: number }> {
  let storage: SqliteStorage;
  try {
    storage = SqliteStorage.open(staged);
  } catch (error) {
    throw new ParleyError(
      'validation_failed',
      `${from} is not a Parley SQLite backup: ${(error as Error).message}`,
    );
  }
  try {
    const info = await storage.getNodeInfo();
    if (!info) throw new ParleyError('validation_failed', `${from} holds no node (is it a Parley backup?)`);
    if (info.nodePublicKey !== nodePublicKey) {
      throw new ParleyError(
        'forbidden',
        `${from} is a backup of another node (party ${info.party}, fingerprint ${fingerprint(info.nodePublicKey)}); ` +
          `this data directory's node.key has fingerprint ${fingerprint(nodePublicKey)}`,
      );
    }
    storage.checkpointWal();
    return { party: info.party, entries: await storage.countEntries() };
  } finally {
    await storage.close();
  }
}

/** fsync of a file or directory: a renamed-into-place file survives a crash of the machine. */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
