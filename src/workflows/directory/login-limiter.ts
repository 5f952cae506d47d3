/**
 * Limits failed logins so password guessing is slow and noticed, without handing an attacker a
 * way to lock someone else out. Kept in memory: a restart forgives, the audit log remembers.
 *
 * An attempt is evaluated and recorded in one synchronous step (`begin`) before its password hash
 * runs, so concurrent guesses cannot all pass a check made before any of them failed: each one
 * counts against the limits at once, and a success takes its own count back. Three limits, over a
 * sliding window:
 * - one account from one address: `maxFailures`, then refused until the window frees a slot;
 * - one address over all accounts: `4 × maxFailures` (password spraying);
 * - one account from anywhere: after `maxFailures`, a delay that doubles with each further
 *   failure, capped at MAX_ACCOUNT_DELAY_MS. A slowdown rather than a lockout: someone guessing
 *   from many addresses delays the account's owner by at most that cap, never for the window.
 */

export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

const MAX_ACCOUNT_DELAY_MS = 30_000;
const ADDRESS_FACTOR = 4;

/** A counted attempt; report its outcome with `succeeded` (failures need nothing more). */
export interface LoginTicket {
  readonly keys: readonly string[];
  readonly at: number;
}

export class LoginLimiter {
  private readonly attempts = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: LoginLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Counts an attempt by `user` from `ip` and returns its ticket, or the milliseconds to wait
   * when it is refused (a refused attempt is not counted).
   */
  begin(user: string, ip: string): { ticket: LoginTicket } | { waitMs: number } {
    const now = this.now();
    const { maxFailures, windowMs } = this.options;
    const pair = `pair:${user}\n${ip}`;
    const address = `ip:${ip}`;
    const account = `user:${user}`;
    let wait = 0;
    const recentPair = this.recent(pair, now);
    if (recentPair.length >= maxFailures) wait = Math.max(wait, recentPair[0]! + windowMs - now);
    const recentAddress = this.recent(address, now);
    if (recentAddress.length >= ADDRESS_FACTOR * maxFailures)
      wait = Math.max(wait, recentAddress[0]! + windowMs - now);
    const recentAccount = this.recent(account, now);
    if (recentAccount.length >= maxFailures) {
      const excess = recentAccount.length - maxFailures;
      const delay = Math.min(1000 * 2 ** Math.min(excess, 20), MAX_ACCOUNT_DELAY_MS);
      wait = Math.max(wait, recentAccount[recentAccount.length - 1]! + delay - now);
    }
    if (wait > 0) return { waitMs: wait };
    const keys = [pair, address, account];
    for (const key of keys) this.attempts.set(key, [...this.recent(key, now), now]);
    if (this.attempts.size > 100_000) this.prune(now);
    return { ticket: { keys, at: now } };
  }

  /** A successful login: forgets the account's and this address-and-account's failures. */
  succeeded(ticket: LoginTicket): void {
    const [pair, address, account] = ticket.keys as [string, string, string];
    this.attempts.delete(pair);
    this.attempts.delete(account);
    const list = this.attempts.get(address);
    const index = list?.indexOf(ticket.at) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
  }

  /**
   * A failed login: the account's slowdown runs from now, when the failure is known, not from
   * when the attempt began (its password hash may have taken seconds on a busy node).
   */
  failed(ticket: LoginTicket): void {
    const account = ticket.keys[2]!;
    const list = this.attempts.get(account);
    const index = list?.indexOf(ticket.at) ?? -1;
    if (list && index >= 0) {
      list.splice(index, 1);
      list.push(Math.max(ticket.at, this.now()));
    }
  }

  /** An attempt that was not decided (the hash could not run): takes its count back. */
  release(ticket: LoginTicket): void {
    for (const key of ticket.keys) {
      const list = this.attempts.get(key);
      const index = list?.indexOf(ticket.at) ?? -1;
      if (list && index >= 0) list.splice(index, 1);
    }
  }

  private recent(key: string, now: number): number[] {
    return (this.attempts.get(key) ?? []).filter((at) => at > now - this.options.windowMs);
  }

  private prune(now: number): void {
    for (const key of [...this.attempts.keys()]) {
      if (this.recent(key, now).length === 0) this.attempts.delete(key);
    }
  }
}
