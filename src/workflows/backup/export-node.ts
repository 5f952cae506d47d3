/**
 * `parley export --all`: the whole node — directory (offices, people with their key material as
 * stored, accounts, tokens, sessions), channels, chains with their receipts, checkpoints and
 * cosignatures, peers and their pins, replication state, evidence and audit — from one
 * consistent snapshot of its database, in the move file format (move-file.ts), for `parley
 * import` into SQLite or PostgreSQL. The node may keep serving meanwhile.
 *
 * The node key (`node.key`) is not in the file: it stays in the data directory and is copied to
 * the target's data directory by the operator or by `parley import --node-key`. The file is
 * written beside its final name and renamed into place once complete, mode 0600.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ParleyError } from '../../core/errors.js';
import { READ_BATCH_ROWS } from '../../storage/sql/table-copy.js';
import type { NodeContext } from '../context.js';
import { syncPath } from './restore.js';
import { MOVE_FORMAT, MOVE_FORMAT_VERSION, MoveFileWriter } from './move-file.js';

export interface NodeExportReport {
  path: string;
  bytes: number;
  party: string;
  fingerprint: string;
  engine: string;
  schemaVersion: number;
  /** Rows per table. */
  tables: Record<string, number>;
  rows: number;
  sha256: string;
  seconds: number;
}

export async function exportWholeNode(
  node: Pick<NodeContext, 'party' | 'partyName' | 'fingerprint' | 'nodePublicKey' | 'storage'>,
  out: string,
  onProgress?: (done: number, total: number) => void,
): Promise<NodeExportReport> {
  const path = resolve(out);
  if (existsSync(path))
    throw new ParleyError('already_exists', `${path} exists; choose a new file for the export`);
  const partial = `${path}.partial`;
  const started = Date.now();
  const stream = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  await once(stream, 'open');
  const write = async (text: string): Promise<void> => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  try {
    const result = await node.storage.readSnapshot(async (snapshot) => {
      const total = snapshot.tables.reduce((n, t) => n + t.rows, 0);
      const writer = new MoveFileWriter(write);
      await writer.header({
        format: MOVE_FORMAT,
        formatVersion: MOVE_FORMAT_VERSION,
        createdAt: new Date().toISOString(),
        party: node.party,
        partyName: node.partyName,
        nodePublicKey: node.nodePublicKey,
        fingerprint: node.fingerprint,
        source: {
          engine: node.storage.engine as 'sqlite' | 'postgres',
          schemaVersion: snapshot.schemaVersion,
        },
        tables: [...snapshot.tables],
      });
      let done = 0;
      onProgress?.(0, total);
      for (const table of snapshot.tables) {
        for await (const rows of snapshot.rows(table.name, READ_BATCH_ROWS)) {
          await writer.rows(table.name, rows);
          done += rows.length;
          onProgress?.(done, total);
        }
      }
      const end = await writer.end();
      return {
        schemaVersion: snapshot.schemaVersion,
        tables: Object.fromEntries(snapshot.tables.map((t) => [t.name, t.rows])),
        ...end,
      };
    });
    stream.end();
    await once(stream, 'close');
    syncPath(partial);
    renameSync(partial, path);
    syncPath(dirname(path));
    return {
      path,
      bytes: statSync(path).size,
      party: node.party,
      fingerprint: node.fingerprint,
      engine: node.storage.engine,
      ...result,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    stream.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}
