import type { Cancellable, Punctuator } from '../processor/punctuation.ts';

interface Schedule {
  next: number;
  readonly interval: number;
  readonly punctuator: Punctuator;
  readonly nodeName: string;
  cancelled: boolean;
}

/**
 * The schedules of one task on one clock. As in Kafka Streams, a schedule that missed several
 * intervals fires once and then moves to the next interval after the current time.
 */
export class PunctuationQueue {
  private schedules: Schedule[] = [];

  add(firstTime: number, interval: number, nodeName: string, punctuator: Punctuator): Cancellable {
    if (!(interval >= 1)) throw new RangeError(`Punctuation interval must be at least 1 ms, got ${interval}`);
    const schedule: Schedule = { next: firstTime, interval, punctuator, nodeName, cancelled: false };
    this.schedules.push(schedule);
    return {
      cancel: () => {
        schedule.cancelled = true;
        this.schedules = this.schedules.filter((s) => s !== schedule);
      },
    };
  }

  /** The earliest time any schedule is due, or undefined when there are none. */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const s of this.schedules) if (earliest === undefined || s.next < earliest) earliest = s.next;
    return earliest;
  }

  /** Fires every schedule due at `time`; returns whether any fired. */
  mayPunctuate(time: number, fire: (nodeName: string, punctuator: Punctuator, time: number) => void): boolean {
    let fired = false;
    for (const schedule of [...this.schedules]) {
      if (schedule.cancelled || time < schedule.next) continue;
      let next = schedule.next + schedule.interval;
      if (time >= next) next += schedule.interval * (1 + Math.floor((time - next) / schedule.interval));
      schedule.next = next;
      fire(schedule.nodeName, schedule.punctuator, time);
      fired = true;
    }
    return fired;
  }

  get size(): number {
    return this.schedules.length;
  }
}
