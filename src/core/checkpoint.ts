/**
 * C2SP tlog-checkpoint note bodies: the origin line, the decimal tree size and the base64 RFC
 * 9162 root hash, then optional extension lines, each ending in a newline. The body is what a
 * log signs and witnesses cosign, so parsing is strict: every checkpoint has exactly one
 * accepted spelling, and `formatCheckpoint(parseCheckpoint(t)) === t` for every accepted `t`.
 * Signature lines are not handled here; see signed-note.ts.
 */

/** A parsed checkpoint body (c2sp.org/tlog-checkpoint, "Note text"). */
export interface Checkpoint {
  /** Unique identifier of the log, e.g. `example.com/log42`. */
  origin: string;
  /** Number of leaves in the tree. */
  size: number;
  /** RFC 9162 Merkle Tree Hash at `size`, 32 bytes. */
  rootHash: Buffer;
  /** Opaque extension lines, without their newlines. */
  extensions: string[];
}

/** Thrown for a checkpoint body that does not follow c2sp.org/tlog-checkpoint exactly. */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** True if `text` has a character below U+0020, which a signed note may not carry in a line. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}
const LONE_SURROGATE = /\p{Surrogate}/u;

function checkLine(line: string, what: string): void {
  if (line.length === 0) throw new CheckpointFormatError(`${what} must not be empty`);
  if (hasControl(line)) throw new CheckpointFormatError(`${what} must not contain control characters`);
  if (LONE_SURROGATE.test(line)) throw new CheckpointFormatError(`${what} is not valid Unicode`);
}

function checkCheckpoint(c: Checkpoint): void {
  checkLine(c.origin, 'origin');
  if (!Number.isSafeInteger(c.size) || c.size < 0) {
    throw new CheckpointFormatError('size must be a non-negative safe integer');
  }
  if (!(c.rootHash instanceof Uint8Array) || c.rootHash.length !== 32) {
    throw new CheckpointFormatError('root hash must be 32 bytes');
  }
  for (const extension of c.extensions) checkLine(extension, 'extension line');
}

/** Formats a checkpoint body (c2sp.org/tlog-checkpoint, "Note text"); every line ends in \n. */
export function formatCheckpoint(c: Checkpoint): string {
  checkCheckpoint(c);
  const lines = [c.origin, String(c.size), Buffer.from(c.rootHash).toString('base64'), ...c.extensions];
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Parses a checkpoint body strictly (c2sp.org/tlog-checkpoint): at least three non-empty lines,
 * a final newline, a size without leading zeros, canonical standard base64 of exactly 32 bytes
 * and non-empty extension lines. Throws CheckpointFormatError otherwise.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new CheckpointFormatError('checkpoint must end with a newline');
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointFormatError('checkpoint needs origin, size and root hash lines');
  const [origin, sizeLine, hashLine, ...extensions] = lines as [string, string, string, ...string[]];
  checkLine(origin, 'origin');
  if (!DECIMAL.test(sizeLine)) throw new CheckpointFormatError('size must be decimal without leading zeros');
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new CheckpointFormatError('size is too large');
  const rootHash = Buffer.from(hashLine, 'base64');
  // Node's decoder is lenient (skips junk, accepts missing padding); re-encoding catches that.
  if (rootHash.length !== 32 || rootHash.toString('base64') !== hashLine) {
    throw new CheckpointFormatError('root hash must be canonical base64 of 32 bytes');
  }
  for (const extension of extensions) checkLine(extension, 'extension line');
  return { origin, size, rootHash, extensions };
}
