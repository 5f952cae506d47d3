/**
 * Backup and restore of a node's SQLite database: the copy is owner-only and refuses to
 * overwrite; a restore refuses while the database is open, refuses another node's backup, keeps
 * the database it replaces, and leaves a node that opens with the backup's content.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/storage.js';
import { openNode } from '../open-node.js';
import { newNode } from '../test-support/new-node.js';
import { backupNode } from './backup.js';
import { restoreDataDir } from './restore.js';

describe('backup and restore', () => {
  it('copies the database owner-only, refuses to overwrite, and restores it into the stopped node', async () => {
    const { dir, dataDir, node } = await newNode('RU', { prefix: 'parley-backup-' });
    const file = join(dir, 'ru.db');
    const report = await backupNode(node, file);
    expect(report).toMatchObject({ path: file, party: 'RU', fingerprint: node.fingerprint });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(backupNode(node, file)).rejects.toMatchObject({ code: 'already_exists' });
    await node.storage.addOffice({ id: 'later', name: 'Added after the backup' });

    // Refused while the node has its database open.
    await expect(restoreDataDir(dataDir, file)).rejects.toMatchObject({ code: 'state_conflict' });
    await node.close();

    const restored = await restoreDataDir(dataDir, file);
    expect(restored.party).toBe('RU');
    expect(restored.keptAside && existsSync(restored.keptAside)).toBe(true);
    const reopened = await openNode(dataDir);
    try {
      expect(reopened.fingerprint).toBe(node.fingerprint);
      expect(await reopened.storage.getOffice('later')).toBeNull();
    } finally {
      await reopened.close();
    }
  });

  it("refuses another node's backup and a file that is not a backup", async () => {
    const ru = await newNode('RU', { prefix: 'parley-backup-' });
    const us = await newNode('US', { prefix: 'parley-backup-' });
    const file = join(us.dir, 'us.db');
    await backupNode(us.node, file);
    await Promise.all([ru.node.close(), us.node.close()]);
    await expect(restoreDataDir(ru.dataDir, file)).rejects.toThrow(/backup of another node \(party US/);
    await expect(restoreDataDir(ru.dataDir, join(ru.dataDir, 'node.key'))).rejects.toThrow(
      /is not a Parley SQLite backup/,
    );
    await expect(restoreDataDir(ru.dataDir, join(ru.dir, 'missing.db'))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('points a PostgreSQL node to pg_dump', async () => {
    const storage = { engine: 'postgres' } as unknown as Storage;
    await expect(
      backupNode({ party: 'RU', fingerprint: 'x', storage }, '/nonexistent/backup.db'),
    ).rejects.toThrow(/pg_dump/);
  });
});
