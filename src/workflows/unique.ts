/** Storage's "already exists" as the node's error, for writes of records with a unique id. */
import { ParleyError } from '../core/errors.js';
import { AlreadyExistsError } from '../storage/storage.js';

export async function writeUnique(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw new ParleyError('already_exists', error.message);
    throw error;
  }
}
