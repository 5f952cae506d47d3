/**
 * `parley import FILE`: puts a whole node exported by `parley export --all` (move-file.ts) into
 * an empty database, SQLite in the data directory (the default) or PostgreSQL (`--database-url`),
 * so a node moves between backends in either direction and then serves and federates as before.
 *
 * The steps, in an order that leaves nothing half-done:
 *   1. The whole file is read and checked (format version, header, every record, row counts and
 *      the SHA-256 in its end record) before anything is created; a truncated or edited file is
 *      refused here. Its schema version must be this build's for the source engine (export with
 *      the build you import with; `parley migrate` the source first).
 *   2. The node key: the data directory's `node.key`, or the one `--node-key` names (copied in,
 *      0600), must be the key of the exported node. The key is never in the export.
 *   3. The target is opened (a new database is created at the current schema) and must hold no
 *      node: an import never merges into or overwrites a node.
 *   4. PostgreSQL: the URL is recorded in `storage.json` (without password), so a crash from here
 *      on leaves a data directory whose database is empty and a rerun of the same import
 *      continues.
 *   5. Every row is written in one transaction (storage's importTables): a failure or a crash
 *      leaves the target empty. The file's hash is checked again as it is read.
 * On a refusal or failure after step 2, what this import created (node.key, storage.json, a new
 * SQLite file) is removed again.
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ParleyError } from '../../core/errors.js';
import { fingerprint, publicKeyOf } from '../../core/keys.js';
import { ensureDataDir, nodeKeyPath, readNodeKey, writeNodeKey } from '../../node/data-dir.js';
import {
  StorageConfigError,
  chooseStorage,
  describeStorage,
  openChosenStorage,
  storageConfigPath,
  writeStorageConfig,
  type StorageChoice,
} from '../../storage/open-storage.js';
import { LATEST_SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION } from '../../storage/postgres/migrations.js';
import { LATEST_SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from '../../storage/sqlite/migrations.js';
import type { Storage } from '../../storage/storage.js';
import { checkMoveFile, readMoveFile, type MoveFileState, type MoveHeader } from './move-file.js';

export interface NodeImportRequest {
  dataDir: string;
  from: string;
  /** PostgreSQL instead of the data directory's SQLite file. */
  databaseUrl?: string | undefined;
  /** The exported node's key file, copied into the data directory when it has none. */
  nodeKeyFile?: string | undefined;
  /** Rows written so far of `total`; `checked` while the file is read the first time. */
  onProgress?: (done: number, total: number, phase: 'checking' | 'importing') => void;
}

export interface NodeImportReport {
  dataDir: string;
  from: string;
  party: string;
  fingerprint: string;
  /** Where the node now lives (no password). */
  storage: string;
  engine: 'sqlite' | 'postgres';
  source: MoveHeader['source'];
  tables: Record<string, number>;
  rows: number;
  sha256: string;
  seconds: number;
}

const SCHEMA_VERSIONS: Record<MoveHeader['source']['engine'], number> = {
  sqlite: SQLITE_SCHEMA_VERSION,
  postgres: POSTGRES_SCHEMA_VERSION,
};

export async function importWholeNode(request: NodeImportRequest): Promise<NodeImportReport> {
  const started = Date.now();
  const dataDir = resolve(request.dataDir);
  const from = resolve(request.from);
  if (!existsSync(from)) throw new ParleyError('not_found', `no export at ${from}`);

  const checked = await checkMoveFile(from);
  const { header } = checked;
  const total = header.tables.reduce((n, t) => n + t.rows, 0);
  request.onProgress?.(0, total, 'checking');
  const known = SCHEMA_VERSIONS[header.source.engine];
  if (header.source.schemaVersion !== known) {
    throw new ParleyError(
      'validation_failed',
      `${from} was exported at ${header.source.engine} schema version ${header.source.schemaVersion}; this build's is ` +
        `${known}: export again with this Parley version (after \`parley migrate\` of the source node)`,
    );
  }

  let choice: StorageChoice;
  try {
    choice = chooseStorage(dataDir, { databaseUrl: request.databaseUrl });
  } catch (error) {
    if (error instanceof StorageConfigError) throw new ParleyError('state_conflict', error.message);
    throw error;
  }

  const created: string[] = [];
  const newKey = prepareNodeKey(dataDir, header, request.nodeKeyFile);
  let storage: Storage | null = null;
  try {
    if (newKey !== null) {
      ensureDataDir(dataDir);
      writeNodeKey(dataDir, newKey);
      created.push(nodeKeyPath(dataDir));
    }
    if (choice.engine === 'sqlite' && !existsSync(choice.path)) {
      ensureDataDir(dataDir);
      created.push(choice.path, `${choice.path}-wal`, `${choice.path}-shm`);
    }
    storage = await openChosenStorage(choice, 'refuse');
    const target = await storage.copiedTables();
    const holding = target.filter((t) => t.rows > 0);
    if (holding.length > 0) {
      const info = await storage.getNodeInfo();
      throw new ParleyError(
        'state_conflict',
        `${describeStorage(choice)} already holds ${info ? `the node of ${info.party}` : 'data'} ` +
          `(${holding.map((t) => `${t.name}: ${t.rows}`).join(', ')}); import only into an empty node`,
      );
    }
    const missing = header.tables.filter((t) => !target.some((x) => x.name === t.name));
    if (missing.length > 0) {
      throw new ParleyError(
        'validation_failed',
        `${from} holds table(s) ${missing.map((t) => t.name).join(', ')} that this build's ${storage.engine} schema lacks`,
      );
    }
    if (choice.engine === 'postgres' && choice.source !== 'storage.json') {
      const hadConfig = existsSync(storageConfigPath(dataDir));
      ensureDataDir(dataDir);
      writeStorageConfig(dataDir, choice.url);
      if (!hadConfig) created.push(storageConfigPath(dataDir));
    }

    const state: MoveFileState = { header: null, checked: null };
    const rows = await storage.importTables(header.tables, readMoveFile(from, state), (done) =>
      request.onProgress?.(done, total, 'importing'),
    );
    if (state.checked?.sha256 !== checked.sha256) {
      throw new ParleyError('validation_failed', `${from} changed while it was imported`);
    }
    await storage.close();
    storage = null;
    return {
      dataDir,
      from,
      party: header.party,
      fingerprint: header.fingerprint,
      storage: describeStorage(choice),
      engine: choice.engine,
      source: header.source,
      tables: Object.fromEntries(header.tables.map((t) => [t.name, t.rows])),
      rows,
      sha256: checked.sha256,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    await storage?.close();
    for (const path of created) rmSync(path, { force: true });
    if (error instanceof ParleyError) throw error;
    throw new ParleyError(
      'state_conflict',
      `import into ${describeStorage(choice)} failed, nothing was imported: ${(error as Error).message}`,
    );
  }
}

/**
 * Checks the node key against the export: the data directory's own key, else the `--node-key`
 * file. Returns the key to write into the data directory, or null when it is already there.
 */
function prepareNodeKey(dataDir: string, header: MoveHeader, nodeKeyFile: string | undefined): string | null {
  const present = existsSync(nodeKeyPath(dataDir));
  let key: string;
  let where: string;
  if (present) {
    key = readNodeKey(dataDir);
    where = nodeKeyPath(dataDir);
  } else if (nodeKeyFile !== undefined) {
    where = resolve(nodeKeyFile);
    if (!existsSync(where)) throw new ParleyError('not_found', `--node-key: no file at ${where}`);
    const mode = statSync(where).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new ParleyError(
        'forbidden',
        `--node-key: ${where} has mode ${mode.toString(8)}; it must be owner-only (chmod 600)`,
      );
    }
    try {
      key = createPrivateKey(readFileSync(where)).export({ format: 'der', type: 'pkcs8' }).toString('base64');
    } catch (error) {
      throw new ParleyError(
        'validation_failed',
        `--node-key: ${where} is not a private key: ${(error as Error).message}`,
      );
    }
  } else {
    throw new ParleyError(
      'not_found',
      `${dataDir} has no node.key: copy the exported node's node.key there (mode 0600) or pass --node-key FILE`,
    );
  }
  if (publicKeyOf(key) !== header.nodePublicKey) {
    throw new ParleyError(
      'forbidden',
      `${where} is not the key of the exported node (party ${header.party}, ${header.fingerprint}); it has ` +
        `fingerprint ${fingerprint(publicKeyOf(key))}`,
    );
  }
  return present ? null : key;
}
