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

/** A write carried a lease's epoch, and the lease has since passed to another holder. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly lease: string,
    readonly epoch: number,
  ) {
    super(`lease '${lease}' (epoch ${epoch}) has passed to another process; the write was refused`);
  }
}

/**
 * Node-written entries whose natural keys are already stored (another process signed the same
 * escalation step or receipt first); nothing was written.
 */
export class DuplicateEntryError extends Error {
  override readonly name = 'DuplicateEntryError';
  constructor(readonly keys: string[]) {
    super(`already stored: ${keys.join(', ')}`);
  }
}

/**
 * An append's own entries were dated no later than the node clock (another process of the node
 * appended meanwhile with a later timestamp); nothing was written. `clock` is the stored clock:
 * observe it and seal again.
 */
export class ClockBehindError extends Error {
  override readonly name = 'ClockBehindError';
  constructor(readonly clock: string) {
    super(`entries must be dated after the node clock ${clock}`);
  }
}
