import type { Clock, Random, TimerHandle } from '../ports.ts';

/** A clock that moves only when told to; timers fire in time order during `advance`. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.parse('2026-03-02T08:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].callback();
    }
    this.t = target;
  }

  /**
   * The system time is set by `ms` (negative: back), as when it is corrected: `now()` jumps, and
   * the timers already set still fire after the delay they were given (timers do not follow the
   * wall clock).
   */
  jump(ms: number): void {
    this.t += ms;
    for (const timer of this.timers.values()) timer.at += ms;
  }

  /** Due times of the timers still set, earliest first. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }
}

/** Random numbers from a fixed sequence (repeated), for predictable jitter. */
export function sequenceRandom(values: readonly number[]): Random {
  let i = 0;
  return { next: () => values[i++ % values.length]! };
}
