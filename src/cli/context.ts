/**
 * Shared option handling for CLI commands: where the data directory is, how to reach a running
 * node, and the local operator who acts for admin commands run on the node's own machine.
 */
import { ApiClient } from './api-client.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ParleyNode } from '../node/parley-node.js';
import { openNode } from '../workflows/open-node.js';
import { hasPassword } from '../storage/postgres/database-url.js';
import type { Principal } from '../storage/storage.js';
import { CliError } from './output.js';

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_PORT = 7410;
export const DEFAULT_URL = `http://127.0.0.1:${DEFAULT_PORT}`;

export interface GlobalOptions {
  json?: boolean;
}

export function dataDirOption(command: Command): Command {
  return command.option(
    '-d, --data-dir <dir>',
    'node data directory (env PARLEY_DATA_DIR)',
    process.env.PARLEY_DATA_DIR ?? DEFAULT_DATA_DIR,
  );
}

/** `--database-url` of `init` and `serve`: PostgreSQL instead of the data directory's SQLite. */
export function databaseUrlOption(command: Command): Command {
  return command.option(
    '--database-url <url>',
    'use PostgreSQL, e.g. postgres://parley@127.0.0.1:5432/parley?schema=parley_ru (no password: use ' +
      'PGPASSWORD); recorded in the data dir for later commands (env PARLEY_DATABASE_URL; default SQLite)',
  );
}

/** Refuses a password on the command line, where other users can read it (ps). */
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

/** The options of a command that acts as a person through the API. */
export interface Remote {
  url: string;
  token?: string;
  json?: boolean;
}

/** The API client for `--url` and `--token` (or PARLEY_TOKEN). */
export function client(options: Remote): ApiClient {
  return new ApiClient(options.url, options.token ?? process.env.PARLEY_TOKEN);
}

export function remoteOptions(command: Command): Command {
  return command
    .option('--url <url>', 'node URL (env PARLEY_URL)', process.env.PARLEY_URL ?? DEFAULT_URL)
    .option('--token <token>', 'API token (env PARLEY_TOKEN; prefer the variable: flags show in ps)');
}

/**
 * Whoever can run commands on the node's machine with access to its data directory already
 * holds the node key; admin commands run there act as this operator.
 */
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

export async function withNode<T>(dataDir: string, work: (node: ParleyNode) => Promise<T>): Promise<T> {
  const node = await openNode(resolve(dataDir));
  try {
    return await work(node);
  } finally {
    await node.close();
  }
}
