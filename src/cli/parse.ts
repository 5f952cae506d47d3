/**
 * Parsing what people type on the command line: repeated flags, comma lists, entry references,
 * `PARTY=offices`, deadlines and JSON files. A value that does not fit is a usage error (exit 2)
 * that names the flag or argument.
 */
import { readFileSync } from 'node:fs';
import { CliError } from './output.js';

/** Collects a repeatable flag into a list (commander's argument parser). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function usage(message: string): CliError {
  return new CliError('validation_failed', message, 2);
}

/** `a, b,,c` → ['a', 'b', 'c']. */
export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `<channel>/<party>/<seq>` → its parts; `message` says what was expected. */
export function parseEntryId(
  text: string,
  message = 'entry must be <channel>/<party>/<seq>, e.g. intelligence/US/4',
): { channel: string; party: string; seq: number } {
  const match = /^([^/]+)\/([^/]+)\/(\d+)$/.exec(text);
  if (!match) throw usage(message);
  return { channel: match[1]!, party: match[2]!, seq: Number(match[3]) };
}

/** `<party>/<seq>` (e.g. RU/4) within a channel, naming the flag or argument when it does not fit. */
export function parseRef(value: string, what: string): { party: string; seq: number } {
  const match = /^([A-Z][A-Z0-9]{1,15})\/(\d{1,15})$/.exec(value);
  if (!match) throw usage(`${what} must be <party>/<seq>, e.g. RU/4`);
  return { party: match[1]!, seq: Number(match[2]) };
}

/** Repeated `PARTY=office,office` flags → { PARTY: [office, office] }. */
export function partyOffices(values: string[], flag: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const value of values) {
    const match = /^([A-Z][A-Z0-9]{1,15})=(.+)$/.exec(value);
    if (!match) throw usage(`${flag} '${value}' must look like US=us-cia,us-nsc`);
    result[match[1]!] = list(match[2]!);
  }
  return result;
}

/** `FLASH=1/10` → { FLASH: { deliveryMinutes: 1, responseMinutes: 10 } }. */
export function deadlines(
  values: string[],
): Record<string, { deliveryMinutes: number; responseMinutes: number }> {
  const result: Record<string, { deliveryMinutes: number; responseMinutes: number }> = {};
  for (const value of values) {
    const match = /^(ROUTINE|PRIORITY|IMMEDIATE|FLASH)=(\d+)\/(\d+)$/.exec(value);
    if (!match) throw usage(`--deadline '${value}' must look like FLASH=1/10 (minutes)`);
    result[match[1]!] = { deliveryMinutes: Number(match[2]), responseMinutes: Number(match[3]) };
  }
  return result;
}

/** Repeated `name=value` flags → { name: value }; `what` names the flag and an example. */
export function assignments(values: string[], flag: string, example: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw usage(`${flag} '${value}' must look like ${example}`);
    result[value.slice(0, at)] = value.slice(at + 1);
  }
  return result;
}

/** Parses JSON text, naming the flag when it is not JSON. */
export function parseJson(text: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw usage(message);
  }
}

/** Reads and parses a JSON file, naming the flag when it cannot. */
export function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usage(`${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usage(`${flag}: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
