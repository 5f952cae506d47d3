/**
 * The storage contract suite: one set of vitest tests that every Storage backend must pass.
 *
 * A backend's test file calls `runStorageContract` with a factory that opens a fresh, empty
 * store for every test. Entries are built with the real canonical JSON encoder and SHA-256 so
 * they look like what the node stores; signatures are placeholders because storage never
 * verifies them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDirectory } from './contract-directory.js';
import { describeFederation } from './contract-federation.js';
import { describeChangeFeed, type ChangeFeedOptions } from './contract-feed.js';
import { describeIdempotency } from './contract-idempotency.js';
import { describeLeases } from './contract-leases.js';
import { describeLog } from './contract-log.js';
import { describeMove } from './contract-move.js';
import { describePasskeys } from './contract-passkeys.js';
import { describePersistence } from './contract-persistence.js';
import { describeSearch } from './contract-search.js';
import type { Storage } from './storage.js';

/** Optional capabilities of a backend under test. */
export interface StorageContractOptions extends ChangeFeedOptions {
  /**
   * Closes nothing itself: called after the suite has closed the current store, it must open a
   * store over the same data. Enables the persistence tests.
   */
  reopen?: () => Promise<Storage>;
}

/**
 * Defines the contract tests for one backend. `open` must return a fresh, empty store each time;
 * `cleanup` runs after each test once the store is closed.
 */
export function runStorageContract(
  name: string,
  open: () => Promise<Storage>,
  cleanup?: () => Promise<void>,
  options: StorageContractOptions = {},
): void {
  describe(`storage contract: ${name}`, () => {
    let store: Storage;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it('reports an engine name', () => {
      expect(typeof store.engine).toBe('string');
      expect(store.engine.length).toBeGreaterThan(0);
    });

    describeDirectory(() => store);
    describeIdempotency(() => store);
    describePasskeys(() => store);
    describeMove(() => store, open);
    describeSearch(() => store);
    describeLog(() => store);
    describeFederation(() => store);
    describeChangeFeed(() => store, options);
    describeLeases(() => store, options);
    describePersistence(
      () => store,
      (reopened) => {
        store = reopened;
      },
      options.reopen,
    );
  });
}
