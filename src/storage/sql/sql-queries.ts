/**
 * The bottom of the shared SQL store: how the shared code reaches a backend. A backend supplies
 * these few primitives (run a query, run a write, run writes in one transaction with a lease
 * check, tell a unique violation); everything above them is written once for both dialects.
 *
 * The shared methods are split by concern into a chain of abstract classes, each in its own file
 * (accounts-storage.ts, security-trail-storage.ts, alerting-storage.ts, federation-storage.ts,
 * sql-storage.ts), so that each file reads as one part of the contract. The chain has no other
 * meaning: only SqlStorage, its last link, is extended by the backends.
 */
import { AlreadyExistsError, type LeaseFence } from '../storage.js';
import type { SqlDialect } from './statements.js';

/** The primitives every shared query runs on, and the helpers built from them. */
export abstract class SqlQueries {
  protected readonly dialect: SqlDialect;
  /** How a boolean is bound in this dialect. */
  protected readonly flag: (value: boolean) => unknown;

  protected constructor(dialect: SqlDialect) {
    this.dialect = dialect;
    this.flag = dialect.flag;
  }

  /** Runs a query outside any explicit transaction; `?` placeholders. */
  protected abstract rows<R>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Runs a write outside any explicit transaction; resolves to the number of rows changed. */
  protected abstract run(sql: string, values?: unknown[]): Promise<number>;
  protected abstract isUniqueViolation(error: unknown): boolean;
  /**
   * Runs a write in one transaction with the check that `fence` still holds (its lease row kept
   * from changing hands until the write commits); resolves to the number of rows changed, or
   * throws LeaseLostError having written nothing.
   */
  protected abstract fencedRun(fence: LeaseFence, sql: string, values: unknown[]): Promise<number>;

  /**
   * Runs several writes in one transaction, with the check that `fence` still holds when given;
   * resolves to the number of rows changed, or throws (LeaseLostError) having written nothing.
   */
  protected abstract runAll(
    statements: ReadonlyArray<readonly [string, unknown[]]>,
    fence?: LeaseFence,
  ): Promise<number>;

  /** The first row of a query, or null. */
  protected async one<R>(sql: string, values: unknown[] = []): Promise<R | null> {
    return (await this.rows<R>(sql, values))[0] ?? null;
  }

  /** Every row of `everything`, or those of one owner (a principal, an office) by `ofOwner`. */
  protected async rowsOf<R>(owner: string | null, everything: string, ofOwner: string): Promise<R[]> {
    return owner === null ? this.rows<R>(everything) : this.rows<R>(ofOwner, [owner]);
  }

  /** A write that depends on a lease when `fence` is given (contract/leases.ts). */
  protected async write(sql: string, values: unknown[], fence?: LeaseFence): Promise<number> {
    return fence ? this.fencedRun(fence, sql, values) : this.run(sql, values);
  }

  /** Runs an insert, turning a key collision into AlreadyExistsError. */
  protected async insertUnique(what: string, id: string, sql: string, values: unknown[]): Promise<void> {
    try {
      await this.run(sql, values);
    } catch (error) {
      throw this.alreadyExists(error, what, id);
    }
  }

  /** What a failed insert of a record means: AlreadyExistsError on a key collision. */
  protected alreadyExists(error: unknown, what: string, id: string): unknown {
    return this.isUniqueViolation(error) ? new AlreadyExistsError(what, id) : error;
  }
}
