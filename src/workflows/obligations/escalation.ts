/**
 * The escalation scheduler (DESIGN.md "Concepts": Precedence; overdue items escalate to the
 * office's alternates). It keeps no state of its own: each tick recomputes what is overdue from
 * the log and appends a node-signed `escalation` entry for every step not yet recorded, so a
 * restart loses nothing and never records a step twice.
 */
import type { Marking } from '../../core/entry.js';
import type { NodeContext } from '../context.js';
import { stepsDue } from './fold.js';
import { escalationsOf, loadLedger, type EscalationRecord } from './queries.js';

/**
 * Appends the escalation steps that are due and not yet recorded. Returns what it recorded;
 * `now` is a parameter so tests drive it in virtual time.
 */
export class EscalationScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<EscalationRecord[]> | null = null;
  log: (message: string, detail: Record<string, unknown>) => void = () => {};

  constructor(
    private readonly node: NodeContext,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.log('escalation tick failed', { error: String(error) }));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
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
    const principals = await node.storage.listPrincipals();
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
      const inOffices = (role: string) =>
        principals
          .filter((p) => p.office !== null && offices.includes(p.office) && p.role === role)
          .map((p) => p.id);
      for (const obligation of ledger.obligations(now)) {
        for (const step of stepsDue(obligation, node.party, now)) {
          const due = new Date(obligation.due).toISOString();
          const about = `${channel.id}/${obligation.about.party}/${obligation.about.seq}`;
          const key = `${about}|${obligation.type}|${obligation.owedBy}|${step}|${due}`;
          if (done.has(key)) continue;
          const notify =
            step === 'overdue'
              ? principals.some((p) => p.id === obligation.item.author)
                ? [obligation.item.author]
                : inOffices('duty-officer')
              : step === 'duty-officers'
                ? inOffices('duty-officer').length > 0
                  ? inOffices('duty-officer')
                  : inOffices('head')
                : inOffices('head');
          const entry = await node.appendNodeEntry(
            channel,
            'escalation',
            {
              of: { party: obligation.about.party, seq: obligation.about.seq, hash: obligation.about.hash },
              obligation: obligation.type,
              owedBy: obligation.owedBy,
              step,
              due,
              notify,
            },
            {
              precedence: obligation.about.precedence,
              ...(obligation.about.marking ? { marking: obligation.about.marking as Marking } : {}),
            },
          );
          done.add(key);
          const record: EscalationRecord = {
            id: `${channel.id}/${entry.party}/${entry.seq}`,
            about,
            obligation: obligation.type,
            owedBy: obligation.owedBy,
            step,
            due,
            notify,
            at: entry.hlc,
          };
          recorded.push(record);
          this.log('obligation overdue: escalated', { ...record });
        }
      }
    }
    return recorded;
  }
}
