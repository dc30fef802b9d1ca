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
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {
    if (!(Number.isInteger(timeDifferenceMs) && timeDifferenceMs > 0))
      throw new RangeError(`The time difference must be a positive whole number of ms, got ${timeDifferenceMs}`);
    if (!(Number.isInteger(graceMs) && graceMs >= 0)) throw new RangeError(`Grace must be a whole number of ms >= 0, got ${graceMs}`);
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }
}
