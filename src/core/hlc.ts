/**
 * Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014). Timestamps stay close
 * to wall time yet never go backwards and always move past any timestamp already seen, so
 * "happened before" implies a smaller timestamp across parties with imperfect clocks.
 *
 * Written form: `<ISO 8601 UTC with ms>/<6-digit counter>`, e.g. `2026-02-20T08:00:00.000Z/000000`;
 * fixed width, so comparing strings compares timestamps.
 */

export interface HlcTimestamp {
  wall: number;
  counter: number;
}

const HLC_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\/(\d{6})$/;
const MAX_COUNTER = 999_999;

export function formatHlc(ts: HlcTimestamp): string {
  return `${new Date(ts.wall).toISOString()}/${String(ts.counter).padStart(6, '0')}`;
}

/** Parses the written form; returns null when it is malformed. */
export function parseHlc(text: string): HlcTimestamp | null {
  const match = HLC_PATTERN.exec(text);
  if (!match) return null;
  const wall = Date.parse(match[1]!);
  if (!Number.isFinite(wall)) return null;
  // Date.parse rolls impossible dates over (Feb 30 → Mar 2); the day must survive the round trip.
  if (new Date(wall).getUTCDate() !== Number(match[1]!.slice(8, 10))) return null;
  return { wall, counter: Number(match[2]) };
}

/** A clock whose physical time source is injectable, so tests run in virtual time. */
export class HybridLogicalClock {
  private last: HlcTimestamp = { wall: 0, counter: 0 };

  constructor(private readonly physicalNow: () => number = Date.now) {}

  /** A timestamp for a local event. */
  now(): string {
    const physical = this.physicalNow();
    if (physical > this.last.wall) this.last = { wall: physical, counter: 0 };
    else this.bump();
    return formatHlc(this.last);
  }

  /** Moves the clock past a timestamp received from elsewhere (a peer, a stored entry). */
  observe(remote: string): void {
    const ts = parseHlc(remote);
    if (!ts) return;
    if (ts.wall > this.last.wall || (ts.wall === this.last.wall && ts.counter > this.last.counter)) {
      this.last = { ...ts };
    }
  }

  private bump(): void {
    if (this.last.counter >= MAX_COUNTER) this.last = { wall: this.last.wall + 1, counter: 0 };
    else this.last = { wall: this.last.wall, counter: this.last.counter + 1 };
  }
}
