import type { Clock } from '../task/clock.ts';

interface Timer {
  readonly due: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told; timers that fall due fire in order of their due time. */
export class ManualClock implements Clock {
  private timers: Timer[] = [];

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    const timer: Timer = { due: this.time + Math.max(0, delayMs), callback, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves the clock, then fires what fell due, as Kafka's TopologyTestDriver does after its sleep. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`The wall clock only moves forward; got ${ms} ms`);
    this.time += ms;
    for (;;) {
      this.timers = this.timers.filter((timer) => !timer.cancelled);
      const due = this.timers.filter((timer) => timer.due <= this.time).sort((a, b) => a.due - b.due)[0];
      if (!due) return;
      due.cancelled = true;
      due.callback();
    }
  }
}
