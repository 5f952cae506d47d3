/**
 * Delivery state (`GET …/entries/{party}/{seq}/delivery`) of the entries a timeline shows,
 * fetched only for rows in view and fetched again when a live `received` or `receipt` entry
 * names them, so the sender sees "delivered", "read" and "understood" appear without a reload.
 */
import { api, type Delivery, type Entry } from '../../lib/api';

const CONCURRENCY = 4;

interface Slot {
  data: Delivery | null;
  wanted: boolean;
  inFlight: boolean;
}

export class DeliveryCache {
  private readonly slots = new Map<string, Slot>();
  private readonly queue: Array<{ id: string; party: string; seq: number }> = [];
  private running = 0;
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(readonly channel: string) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The known state of `entry`, fetching it if it was never fetched or is out of date. */
  get(entry: Pick<Entry, 'id' | 'party' | 'seq'>): Delivery | null {
    let slot = this.slots.get(entry.id);
    if (!slot) {
      slot = { data: null, wanted: true, inFlight: false };
      this.slots.set(entry.id, slot);
    }
    if (slot.wanted && !slot.inFlight) this.enqueue(entry, slot);
    return slot.data;
  }

  /** A live entry arrived: refresh what it changes. */
  noteEntry(entry: Entry): void {
    const of = entry.body.of as { party?: unknown; seq?: unknown } | undefined;
    if (!of || typeof of.party !== 'string' || typeof of.seq !== 'number') return;
    const ofSeq = of.seq;
    const ofParty = of.party;
    if (entry.kind === 'receipt') {
      this.refresh(`${this.channel}/${ofParty}/${ofSeq}`, ofParty, ofSeq);
    } else if (entry.kind === 'received') {
      for (const [id, slot] of this.slots) {
        const [, party, seqText] = id.split('/');
        const seq = Number(seqText);
        if (party === ofParty && seq <= ofSeq && slot.data?.some((p) => p.state === 'queued'))
          this.refresh(id, party, seq);
      }
    }
  }

  private refresh(id: string, party: string, seq: number): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.wanted = true;
    if (!slot.inFlight) this.enqueue({ id, party, seq }, slot);
  }

  private enqueue(entry: { id: string; party: string; seq: number }, slot: Slot): void {
    slot.inFlight = true;
    slot.wanted = false;
    this.queue.push({ id: entry.id, party: entry.party, seq: entry.seq });
    this.pump();
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0 && !this.closed) {
      const next = this.queue.shift()!;
      this.running += 1;
      void api
        .delivery(this.channel, next.party, next.seq)
        .then(
          (result) => {
            const slot = this.slots.get(next.id);
            if (slot) slot.data = result.parties;
          },
          () => undefined,
        )
        .finally(() => {
          this.running -= 1;
          const slot = this.slots.get(next.id);
          if (slot) slot.inFlight = false;
          if (slot?.wanted) this.enqueue(next, slot);
          if (!this.closed) for (const listener of this.listeners) listener();
          this.pump();
        });
    }
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }
}
