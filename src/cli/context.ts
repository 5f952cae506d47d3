/**
 * How CLI commands are declared: where the data directory is, how to reach a running node, and
 * one way to declare a command that acts on this machine's node (`localCommand`) or as a person
 * over the API (`remoteCommand`), with `--json` and one way of reporting failures (`run`).
 */
import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { fail, type OutputOptions } from './output.js';

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_PORT = 7410;
export const DEFAULT_URL = `http://127.0.0.1:${DEFAULT_PORT}`;

/** The options of a command that works on the data directory of a node on this machine. */
export interface Local {
  dataDir: string;
  json?: boolean;
}

/** The options of a command that acts as a person through the API. */
export interface Remote {
  url: string;
  token?: string;
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

export function remoteOptions(command: Command): Command {
  return command
    .option('--url <url>', 'node URL (env PARLEY_URL)', process.env.PARLEY_URL ?? DEFAULT_URL)
    .option('--token <token>', 'API token (env PARLEY_TOKEN; prefer the variable: flags show in ps)');
}

/**
 * `--url` and `--token` on a command that otherwise works on the data directory: with a URL (or
 * PARLEY_URL) it acts as the token's person over the API instead.
 */
export function eitherRemoteOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'act over the API of this running node instead (env PARLEY_URL)',
      process.env.PARLEY_URL,
    )
    .option(
      '--token <token>',
      'with --url: your API token (env PARLEY_TOKEN; prefer the variable: flags show in ps)',
    );
}

/** The options of a command that works on the data directory, or over the API with `--url`. */
export interface LocalOrRemote extends Local {
  url?: string;
  token?: string;
}

/** The API client for `--url` and `--token` (or PARLEY_TOKEN). */
export function client(options: Remote): ApiClient {
  return new ApiClient(options.url, options.token ?? process.env.PARLEY_TOKEN);
}

/** `parent <spec>` acting on the data directory (`--data-dir`); finish it with `run`. */
export function localCommand(parent: Command, spec: string, description: string): Command {
  return dataDirOption(parent.command(spec)).description(description);
}

/** `parent <spec>` acting as a person over the API (`--url`, `--token`); finish it with `run`. */
export function remoteCommand(parent: Command, spec: string, description: string): Command {
  return remoteOptions(parent.command(spec)).description(description);
}

/**
 * Adds `--json` (last, after the command's own options) and the action; a failure is reported
 * once, the same way for every command (`fail`: stderr, JSON with --json, exit status).
 */
export function run<A extends unknown[]>(command: Command, work: (...args: A) => Promise<void>): Command {
  return command.option('--json', 'print JSON').action(async (...args: unknown[]) => {
    // Commander passes the arguments, then the options, then the command itself.
    const options = (args.at(-2) ?? {}) as OutputOptions;
    try {
      await work(...(args as A));
    } catch (error) {
      fail(options, error);
    }
  });
}
