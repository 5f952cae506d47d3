/**
 * The file that moves a whole node between backends (`parley export --all`, `parley import`):
 * JSON Lines, one record per line, written and read as a stream.
 *
 *   1. a header: format name and version, the node (party, name, node public key), the source
 *      engine and its schema version, and every copied table with its columns and row count;
 *   2. row records, `{"table": T, "rows": [[v, …], …]}`, tables in header order, each value as
 *      stored (bytes as `{"bytes": base64}`);
 *   3. a trailer, `{"end": {"rows": N, "sha256": H}}`, where H is the SHA-256 of every byte before
 *      the trailer line.
 *
 * The hash and counts catch a truncated or edited file before anything is imported. They are not
 * a signature: whoever can write the file can recompute them. What makes the moved log
 * trustworthy is the log itself (every entry signed and chained), which `parley verify` checks
 * on the target, and the node key, which is not in the file.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ParleyError } from '../../core/errors.js';
import type { CellValue, TableCopy, TableRows } from '../../storage/storage.js';

export const MOVE_FORMAT = 'parley-node-export';
export const MOVE_FORMAT_VERSION = 1;

const cell = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ bytes: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict(),
]);
type EncodedCell = z.infer<typeof cell>;

const tableSchema = z
  .object({
    name: z.string().min(1),
    columns: z.array(z.string().min(1)).min(1),
    rows: z.number().int().nonnegative(),
  })
  .strict();

export const moveHeaderSchema = z
  .object({
    format: z.literal(MOVE_FORMAT),
    formatVersion: z.number().int().positive(),
    createdAt: z.string(),
    party: z.string().min(1),
    partyName: z.string(),
    nodePublicKey: z.string().min(1),
    fingerprint: z.string().min(1),
    source: z.object({ engine: z.enum(['sqlite', 'postgres']), schemaVersion: z.number().int() }).strict(),
    tables: z.array(tableSchema),
  })
  .strict();
export type MoveHeader = z.infer<typeof moveHeaderSchema>;

const rowsRecord = z.object({ table: z.string(), rows: z.array(z.array(cell)) }).strict();
const endRecord = z
  .object({
    end: z
      .object({ rows: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
      .strict(),
  })
  .strict();

export function encodeCell(value: CellValue): EncodedCell {
  return value instanceof Uint8Array ? { bytes: Buffer.from(value).toString('base64') } : value;
}

function decodeCell(value: EncodedCell): CellValue {
  return value !== null && typeof value === 'object' ? Buffer.from(value.bytes, 'base64') : value;
}

/** Lines of the file, each with the hash of every byte before it. */
export class MoveFileWriter {
  readonly #hash: Hash = createHash('sha256');
  #rows = 0;

  constructor(private readonly write: (text: string) => Promise<void>) {}

  async header(header: MoveHeader): Promise<void> {
    await this.#line(JSON.stringify(header));
  }

  async rows(table: string, rows: CellValue[][]): Promise<void> {
    this.#rows += rows.length;
    await this.#line(JSON.stringify({ table, rows: rows.map((row) => row.map(encodeCell)) }));
  }

  /** Writes the trailer; returns the hash it carries. */
  async end(): Promise<{ rows: number; sha256: string }> {
    const end = { rows: this.#rows, sha256: this.#hash.digest('hex') };
    await this.write(`${JSON.stringify({ end })}\n`);
    return end;
  }

  async #line(text: string): Promise<void> {
    const line = `${text}\n`;
    this.#hash.update(line);
    await this.write(line);
  }
}

function invalid(path: string, line: number, message: string): ParleyError {
  return new ParleyError('validation_failed', `${path} line ${line}: ${message}`);
}

function parseLine<T>(schema: z.ZodType<T>, text: string, path: string, line: number, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(path, line, `not JSON (the file is damaged or not a node export)`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      path,
      line,
      `not a valid ${what}: ${issue?.path.join('.') || '(record)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** What reading a move file found; filled in as the reader goes. */
export interface MoveFileState {
  header: MoveHeader | null;
  /** Set once the whole file has been read and checked. */
  checked: { rows: number; sha256: string } | null;
}

/**
 * Reads a node export as a stream: the header (into `state` before the first batch), then each
 * batch of rows (checked against the header's tables, order and column counts), then the
 * trailer, whose counts and hash must match: only when the generator ends without throwing is
 * the file known to be whole. Throws ParleyError `validation_failed` naming the line and rule.
 */
export async function* readMoveFile(path: string, state: MoveFileState): AsyncGenerator<TableRows> {
  const hash = createHash('sha256');
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header: MoveHeader | null = null;
  let end: { rows: number; sha256: string } | null = null;
  let lineNo = 0;
  let tableIndex = 0;
  let rows = 0;
  const seen = new Map<string, number>();
  for await (const text of lines) {
    lineNo += 1;
    if (end) throw invalid(path, lineNo, 'text after the end record');
    if (header === null) {
      header = parseHeader(text, path, lineNo);
      state.header = header;
      hash.update(`${text}\n`);
      continue;
    }
    if (text.startsWith('{"end"')) {
      end = parseLine(endRecord, text, path, lineNo, 'end record').end;
      continue;
    }
    const record = parseLine(rowsRecord, text, path, lineNo, 'row record');
    hash.update(`${text}\n`);
    while (tableIndex < header.tables.length && header.tables[tableIndex]!.name !== record.table)
      tableIndex += 1;
    const table: TableCopy | undefined = header.tables[tableIndex];
    if (!table) {
      throw invalid(
        path,
        lineNo,
        `rows of table ${record.table}, which the header does not list in this place`,
      );
    }
    for (const row of record.rows) {
      if (row.length !== table.columns.length) {
        throw invalid(
          path,
          lineNo,
          `a row of ${table.name} has ${row.length} values for ${table.columns.length} columns`,
        );
      }
    }
    seen.set(table.name, (seen.get(table.name) ?? 0) + record.rows.length);
    rows += record.rows.length;
    yield { table: table.name, rows: record.rows.map((row) => row.map(decodeCell)) };
  }
  if (header === null) throw new ParleyError('validation_failed', `${path} is empty: not a node export`);
  if (!end) {
    throw new ParleyError(
      'validation_failed',
      `${path} is truncated: it ends at line ${lineNo} without its end record`,
    );
  }
  const digest = hash.digest('hex');
  if (digest !== end.sha256) {
    throw new ParleyError(
      'validation_failed',
      `${path} was changed after it was written: its SHA-256 is ${digest}, its end record says ${end.sha256}`,
    );
  }
  for (const table of header.tables) {
    if ((seen.get(table.name) ?? 0) !== table.rows) {
      throw new ParleyError(
        'validation_failed',
        `${path}: table ${table.name} has ${seen.get(table.name) ?? 0} rows, its header says ${table.rows}`,
      );
    }
  }
  if (rows !== end.rows) {
    throw new ParleyError('validation_failed', `${path}: ${rows} rows, its end record says ${end.rows}`);
  }
  state.checked = { rows, sha256: digest };
}

/** Reads the whole file and checks it, keeping nothing but its header; the first pass of an import. */
export async function checkMoveFile(
  path: string,
): Promise<{ header: MoveHeader; rows: number; sha256: string }> {
  assertWholeLines(path);
  const state: MoveFileState = { header: null, checked: null };
  for await (const batch of readMoveFile(path, state)) void batch;
  return { header: state.header!, ...state.checked! };
}

/** Every record ends with a newline: a file that does not was cut short (a copy stopped midway). */
function assertWholeLines(path: string): void {
  const size = statSync(path).size;
  if (size === 0) throw new ParleyError('validation_failed', `${path} is empty: not a node export`);
  const last = Buffer.alloc(1);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, last, 0, 1, size - 1);
  } finally {
    closeSync(fd);
  }
  if (last[0] !== 0x0a) {
    throw new ParleyError(
      'validation_failed',
      `${path} is truncated: its last line is incomplete (${size} bytes)`,
    );
  }
}

function parseHeader(text: string, path: string, lineNo: number): MoveHeader {
  const raw = parseLine(
    z.object({ format: z.unknown().optional(), formatVersion: z.unknown().optional() }).passthrough(),
    text,
    path,
    lineNo,
    'header',
  );
  if (raw.format !== MOVE_FORMAT)
    throw invalid(path, lineNo, `not a node export (format is not '${MOVE_FORMAT}')`);
  if (raw.formatVersion !== MOVE_FORMAT_VERSION) {
    throw invalid(
      path,
      lineNo,
      `format version ${String(raw.formatVersion)}; this build reads version ${MOVE_FORMAT_VERSION} (import with the Parley version that wrote it)`,
    );
  }
  return parseLine(moveHeaderSchema, text, path, lineNo, 'header');
}
