/**
 * Output for CLI commands: human text by default, one JSON document with --json, errors on
 * stderr with a non-zero exit status, and progress lines on stderr only when it is a terminal.
 */
import { ParleyError } from '../core/errors.js';

export interface OutputOptions {
  json?: boolean;
}

export function print(options: OutputOptions, data: unknown, text: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

/** A list: `data` with --json, else one line per item (tab-separated fields), or `empty`. */
export function printLines(options: OutputOptions, data: unknown, lines: string[], empty = ''): void {
  print(options, data, () => lines.join('\n') || empty);
}

/** Reports a failure the way scripts and people both understand, and sets the exit status. */
export function fail(options: OutputOptions, error: unknown): void {
  const code =
    error instanceof ParleyError ? error.code : error instanceof CliError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  if (options.json) process.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  process.stderr.write(`parley: ${message}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A progress reporter that redraws one stderr line on a terminal and stays silent otherwise. */
export class Progress {
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    enabled = process.stderr.isTTY === true,
  ) {
    this.enabled = enabled;
  }

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    const percent = this.total > 0 ? Math.floor((done / this.total) * 100) : 100;
    process.stderr.write(
      `\r${this.label}: ${done.toLocaleString('en')}/${this.total.toLocaleString('en')} (${percent}%)`,
    );
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}
