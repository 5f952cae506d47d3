/**
 * The errors every backend throws for the same conditions, so callers can tell a taken id or a
 * raced chain apart from a failing database whatever the engine.
 */

/** A unique id (office, principal, channel, session) is already in use. */
export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} '${id}' already exists`);
  }
}

/** An append did not continue the stored chain; nothing was written. */
export class ChainConflictError extends Error {
  override readonly name = 'ChainConflictError';
  constructor(
    readonly channel: string,
    readonly party: string,
    readonly seq: number,
    detail: string,
  ) {
    super(`chain ${channel}/${party} conflict at seq ${seq}: ${detail}`);
  }
}
