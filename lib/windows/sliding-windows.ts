/**
 * Windows that slide with the records: each record defines a window `[t - difference, t]` (both
 * ends inclusive) ending at it, and one just after it once a later record falls within the
 * difference, so every distinct set of records within `difference` of each other is aggregated
 * once. Out-of-order records are accepted until stream time is `grace` past a window's end.
 *
 * ```ts
 * stream.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10_000)).count();
 * ```
 */
export class SlidingWindows {
  private constructor(
    /** The most milliseconds apart two records may be to fall in one window; also each window's size. */
    readonly timeDifferenceMs: number,
    /** Milliseconds of stream time past a window's end during which out-of-order records still update it; 0 for none. */
    readonly graceMs: number,
  ) {
    if (!(Number.isInteger(timeDifferenceMs) && timeDifferenceMs > 0))
      throw new RangeError(`The time difference must be a positive whole number of ms, got ${timeDifferenceMs}`);
    if (!(Number.isInteger(graceMs) && graceMs >= 0)) throw new RangeError(`Grace must be a whole number of ms >= 0, got ${graceMs}`);
  }

  /**
   * Sliding windows over records at most `timeDifferenceMs` milliseconds apart, with no grace: a record is
   * dropped once stream time is past every window it falls in (as Kafka Streams' `SlidingWindows.ofTimeDifferenceWithNoGrace`).
   */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, 0);
  }

  /**
   * Sliding windows over records at most `timeDifferenceMs` milliseconds apart that still take out-of-order
   * records until stream time is `graceMs` past a window's end (as Kafka Streams' `SlidingWindows.ofTimeDifferenceAndGrace`).
   */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }
}
