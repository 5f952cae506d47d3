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

/** How a progress reporter writes: to a terminal (redrawn bar), in lines, or not at all. */
export interface ProgressOptions {
  /** Default: stderr is a terminal. */
  tty?: boolean;
  /** Without a terminal, a plain line every this many ms (default: silent without a terminal). */
  linesEveryMs?: number;
  /** What is counted, e.g. "rows" (default: none). */
  unit?: string;
  write?: (text: string) => void;
  now?: () => number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/**
 * A progress reporter on stderr: on a terminal, one redrawn line with a bar, counts and rate; else
 * a plain line every `linesEveryMs` (for logs of long exports and imports), or nothing.
 */
export class Progress {
  private lastDraw = 0;
  private readonly started: number;
  private readonly tty: boolean;
  private readonly write: (text: string) => void;
  private readonly now: () => number;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly options: ProgressOptions = {},
  ) {
    this.tty = options.tty ?? process.stderr.isTTY === true;
    this.write = options.write ?? ((text) => process.stderr.write(text));
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.lastDraw = this.started;
  }

  update(done: number): void {
    const now = this.now();
    if (this.tty) {
      if (now - this.lastDraw < REDRAW_MS && done < this.total) return;
      this.lastDraw = now;
      this.write(`\r${this.describe(done, now, true)}`);
    } else if (this.options.linesEveryMs !== undefined && now - this.lastDraw >= this.options.linesEveryMs) {
      this.lastDraw = now;
      this.write(`${this.describe(done, now, false)}\n`);
    }
  }

  done(): void {
    if (this.tty) this.write('\n');
  }

  private describe(done: number, now: number, bar: boolean): string {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const unit = this.options.unit ? ` ${this.options.unit}` : '';
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? `, ${Math.round(done / seconds).toLocaleString('en')}${unit}/s` : '';
    const filled = Math.round(fraction * BAR_WIDTH);
    const drawn = bar ? ` [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]` : '';
    return (
      `${this.label}:${drawn} ${done.toLocaleString('en')}/${this.total.toLocaleString('en')}${unit} ` +
      `(${Math.floor(fraction * 100)}%${rate})`
    );
  }
}
