/**
 * The escalation scheduler (DESIGN.md "Concepts": Precedence; overdue items escalate to the
 * office's alternates). It keeps no state of its own: each tick recomputes what is overdue from
 * the log and appends a node-signed `escalation` entry for every step not yet recorded, so a
 * restart loses nothing and never records a step twice.
 *
 * With several processes of one node, the scheduler runs in the one holding the `escalation`
 * lease (node/leases.ts), and each step is appended with that lease's fence and a natural key
 * naming the step, so even a process that lost its lease mid-pass, or two that raced, can never
 * sign a step twice: storage refuses the second, and the scheduler takes it as already done.
 *
 * Whom a step tells (`notify`) comes from the directory, the office's on-watch roster and each
 * person's alternates at the time of the pass (alerting/recipients.ts); the alert outbox
 * (alerting/outbox.ts) then delivers every escalation entry by e-mail and webhook.
 */
import type { Marking } from '../../core/entry.js';
import type { LeaseHolder } from '../../node/leases.js';
import { AlreadyExistsError, LeaseLostError } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import { loadReach } from '../alerting/queries.js';
import { stepTargets } from '../alerting/recipients.js';
import { stepsDue, type Obligation } from './fold.js';
import type { EscalationStep } from './kinds.js';
import { commitmentLapses } from '../contacts/queries.js';
import { escalationsOf, loadLedger, type EscalationRecord } from './queries.js';

/**
 * Appends the escalation steps that are due and not yet recorded. Returns what it recorded;
 * `now` is a parameter so tests drive it in virtual time.
 */
/** The lease of the scheduler when several processes share the node. */
export const ESCALATION_LEASE = 'escalation';

export class EscalationScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<EscalationRecord[]> | null = null;
  private release: (() => Promise<void>) | null = null;
  log: (message: string, detail: Record<string, unknown>) => void = () => {};

  constructor(
    private readonly node: NodeContext,
    private readonly intervalMs: number,
    /** Runs the scheduler only while this process holds ESCALATION_LEASE. */
    private readonly leases: LeaseHolder | null = null,
  ) {}

  start(): void {
    if (this.leases) {
      this.release ??= this.leases.hold(ESCALATION_LEASE, {
        start: () => this.startTimer(),
        stop: () => this.stopTimer(),
      });
      return;
    }
    this.startTimer();
  }

  stop(): void {
    void this.release?.();
    this.release = null;
    this.stopTimer();
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.log('escalation tick failed', { error: String(error) }));
    }, this.intervalMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over every channel; concurrent calls share the pass in progress. */
  tick(now = this.node.now()): Promise<EscalationRecord[]> {
    this.running ??= this.pass(now).finally(() => (this.running = null));
    return this.running;
  }

  private async pass(now: number): Promise<EscalationRecord[]> {
    const node = this.node;
    const recorded: EscalationRecord[] = [];
    const fence = this.leases?.fence(ESCALATION_LEASE) ?? null;
    // Another process holds the lease: escalating is its work.
    if (this.leases && !fence) return recorded;
    const reach = await loadReach(node);
    for (const channel of await node.storage.listChannels()) {
      if (!channel.parties[node.party] || (channel.state !== 'active' && channel.state !== 'suspended'))
        continue;
      const ledger = await loadLedger(node, channel);
      const done = new Set(
        (await escalationsOf(node, channel))
          .filter((e) => e.id.split('/')[1] === node.party)
          .map((e) => `${e.about}|${e.obligation}|${e.owedBy}|${e.step}|${e.due}`),
      );
      const offices = channel.parties[node.party] ?? [];
      const principals = reach.principals;
      const inOffices = (role: string, among = offices) =>
        principals
          .filter((p) => p.office !== null && among.includes(p.office) && p.role === role)
          .map((p) => p.id);
      const due: Array<{ obligation: Obligation; step: EscalationStep; notify: string[] }> = [];
      for (const obligation of ledger.obligations(now)) {
        for (const step of stepsDue(obligation, node.party, now)) {
          // The person, then who is on watch (or the duty officers), then the heads; each with
          // their alternates (alerting/recipients.ts). `owners` is a step of lapses only.
          const notify =
            step === 'owners'
              ? []
              : stepTargets(reach, step, { author: obligation.item.author, offices, now });
          due.push({ obligation, step, notify });
        }
      }
      // Lapsed commitments: their owners here, then the heads of the owners' offices.
      for (const { obligation, owners } of await commitmentLapses(node, channel, now)) {
        const ownOffices = principals.filter((p) => owners.includes(p.id)).flatMap((p) => p.office ?? []);
        for (const step of stepsDue(obligation, node.party, now)) {
          const heads = inOffices('head', ownOffices);
          const notify = step === 'owners' ? owners : heads.length > 0 ? heads : inOffices('head');
          due.push({ obligation, step, notify });
        }
      }
      for (const { obligation, step, notify } of due) {
        const dueAt = new Date(obligation.due).toISOString();
        const about = `${channel.id}/${obligation.about.party}/${obligation.about.seq}`;
        const key = `${about}|${obligation.type}|${obligation.owedBy}|${step}|${dueAt}`;
        if (done.has(key)) continue;
        let entry;
        try {
          entry = await node.appendNodeEntry(
            channel,
            'escalation',
            {
              of: { party: obligation.about.party, seq: obligation.about.seq, hash: obligation.about.hash },
              obligation: obligation.type,
              owedBy: obligation.owedBy,
              step,
              due: dueAt,
              notify,
            },
            {
              precedence: obligation.about.precedence,
              ...(obligation.about.marking ? { marking: obligation.about.marking as Marking } : {}),
              naturalKey: `escalation/${key}`,
              ...(fence ? { fence } : {}),
            },
          );
        } catch (error) {
          // Another process recorded this step first: already there, move on.
          if (error instanceof AlreadyExistsError) {
            done.add(key);
            continue;
          }
          // The lease passed to another process, which carries on from the log.
          if (error instanceof LeaseLostError) return recorded;
          throw error;
        }
        done.add(key);
        const record: EscalationRecord = {
          id: `${channel.id}/${entry.party}/${entry.seq}`,
          about,
          obligation: obligation.type,
          owedBy: obligation.owedBy,
          step,
          due: dueAt,
          notify,
          at: entry.hlc,
        };
        recorded.push(record);
        this.log(
          obligation.type === 'commitment-lapse'
            ? 'commitment lapsed: escalated'
            : 'obligation overdue: escalated',
          { ...record },
        );
      }
    }
    return recorded;
  }
}
