/**
 * The lease runner of one node process (README "Several processes of one node"): work that must
 * run in one process at a time — the outbox of each peer, the escalation scheduler, the witness,
 * link tests — is started here when this process gains its lease and stopped when it loses it.
 *
 * Protocol. Each process has its own holder id. Every RENEW period the runner tries to take or
 * renew every lease it wants (storage/contract/leases.ts: one atomic statement each). A lease is
 * held for `ttlMs` from the start of the renewal that took it, by the database's record; this
 * process counts its hold from before it sent the renewal, on its own monotonic clock, and stops
 * the work `renewMs` before its hold would end, so it stops before any other process can start.
 * Writes the work makes carry the lease's fence (name, holder, epoch), and storage refuses them
 * once the epoch has moved on: a process that froze past its lease (a GC pause, a suspended VM)
 * and wakes up cannot write over its successor.
 *
 * Failure paths:
 * - The database is unreachable: renewals fail, and the work stops when its hold runs out.
 * - The process dies (`kill -9`): its leases expire after at most `ttlMs`; another process takes
 *   each at its next renewal round, so failover takes at most ttlMs + renewMs (12 s by default).
 * - A clean stop releases every lease first, so the others take over at their next round (2 s).
 * - Starting or stopping a piece of work throws: logged; a failed start gives the lease back.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseFence, LeaseStore } from '../storage/storage.js';

/** How long a lease lasts without renewal. */
export const DEFAULT_LEASE_TTL_MS = 10_000;
/** How often leases are renewed, and free ones looked for: a fifth of the lease. */
const RENEWALS_PER_TTL = 5;

/** Work that runs only while this process holds its lease. */
export interface LeasedWork {
  /** Called when the lease is gained; the fence goes with every write that depends on it. */
  start(fence: LeaseFence): void | Promise<void>;
  /** Called when the lease is lost or given up; must stop writing. */
  stop(): void | Promise<void>;
}

/** What work started under a lease reads to fence its writes. */
export interface LeaseHolder {
  /** Runs `work` whenever this process holds `name`; returns the function that gives it up. */
  hold(name: string, work: LeasedWork): () => Promise<void>;
  /** The fence of `name` while this process holds it, else null. */
  fence(name: string): LeaseFence | null;
}

export interface LeaseRunnerOptions {
  ttlMs?: number;
  /** Wall-clock time written to the lease rows (ms since the epoch). */
  now?: () => number;
  log?: (level: 'info' | 'warn', message: string, detail: Record<string, unknown>) => void;
}

interface Wanted {
  work: LeasedWork;
  fence: LeaseFence | null;
  /** Monotonic time (performance.now) until which this process may act on the lease. */
  validUntil: number;
}

export class LeaseRunner implements LeaseHolder {
  /** This process, as lease rows name it: host, pid and a random tag (pids are reused). */
  readonly holder = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  readonly ttlMs: number;
  readonly renewMs: number;
  private readonly wanted = new Map<string, Wanted>();
  private readonly now: () => number;
  private readonly log: NonNullable<LeaseRunnerOptions['log']>;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly store: LeaseStore,
    options: LeaseRunnerOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewMs = Math.max(50, Math.floor(this.ttlMs / RENEWALS_PER_TTL));
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  /** Runs the first round (so a lone process holds everything once this resolves), then one per renewMs. */
  async start(): Promise<void> {
    await this.tick();
    this.timer ??= setInterval(() => void this.tick(), this.renewMs);
    this.timer.unref();
  }

  hold(name: string, work: LeasedWork): () => Promise<void> {
    if (this.wanted.has(name)) throw new Error(`lease '${name}' is already held by other work`);
    this.wanted.set(name, { work, fence: null, validUntil: 0 });
    if (this.timer && !this.closed) void this.tick();
    return async () => {
      const wanted = this.wanted.get(name);
      if (wanted?.work !== work) return;
      this.wanted.delete(name);
      await this.giveUp(name, wanted);
    };
  }

  fence(name: string): LeaseFence | null {
    const wanted = this.wanted.get(name);
    if (!wanted?.fence || performance.now() >= wanted.validUntil) return null;
    return wanted.fence;
  }

  /** Stops all work and releases every lease, so other processes take over at once. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
    const all = [...this.wanted.entries()];
    this.wanted.clear();
    await Promise.all(all.map(([name, wanted]) => this.giveUp(name, wanted)));
  }

  /** One round over every wanted lease; concurrent calls share the round in progress. */
  tick(): Promise<void> {
    this.round ??= this.renewAll().finally(() => (this.round = null));
    return this.round;
  }

  private async renewAll(): Promise<void> {
    for (const [name, wanted] of [...this.wanted.entries()]) {
      if (this.closed) return;
      await this.renew(name, wanted);
    }
  }

  private async renew(name: string, wanted: Wanted): Promise<void> {
    const sent = performance.now();
    let lease;
    try {
      lease = await this.store.acquireLease(name, this.holder, this.now(), this.ttlMs);
    } catch (error) {
      // Keep working while the hold lasts; stop once it has run out.
      if (wanted.fence && performance.now() >= wanted.validUntil) await this.lose(name, wanted, error);
      return;
    }
    if (this.wanted.get(name) !== wanted || this.closed) {
      // Given up while the renewal was in flight: hand it straight back.
      if (lease)
        await this.store.releaseLease({ name, holder: this.holder, epoch: lease.epoch }).catch(() => {});
      return;
    }
    if (!lease) {
      if (wanted.fence) await this.lose(name, wanted, null);
      return;
    }
    const fence: LeaseFence = { name, holder: this.holder, epoch: lease.epoch };
    // Stop a renewal period early: the work ends before the lease could pass to anyone else.
    wanted.validUntil = sent + this.ttlMs - this.renewMs;
    if (wanted.fence?.epoch === fence.epoch) return;
    if (wanted.fence) await this.stopWork(name, wanted);
    wanted.fence = fence;
    this.log('info', 'lease gained: starting its work', { lease: name, epoch: fence.epoch });
    try {
      await wanted.work.start(fence);
    } catch (error) {
      this.log('warn', 'leased work failed to start; lease given back', {
        lease: name,
        error: String(error),
      });
      await this.giveUp(name, wanted);
    }
  }

  private async lose(name: string, wanted: Wanted, error: unknown): Promise<void> {
    this.log('warn', 'lease lost: stopping its work', {
      lease: name,
      epoch: wanted.fence?.epoch,
      ...(error ? { error: String(error) } : {}),
    });
    await this.stopWork(name, wanted);
  }

  private async stopWork(name: string, wanted: Wanted): Promise<void> {
    wanted.fence = null;
    wanted.validUntil = 0;
    try {
      await wanted.work.stop();
    } catch (error) {
      this.log('warn', 'leased work failed to stop', { lease: name, error: String(error) });
    }
  }

  private async giveUp(name: string, wanted: Wanted): Promise<void> {
    const fence = wanted.fence;
    if (!fence) return;
    await this.stopWork(name, wanted);
    await this.store.releaseLease(fence).catch(() => {});
  }
}
