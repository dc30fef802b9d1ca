/**
 * Sessions of activity per key: a record at most the inactivity gap away from a session joins it
 * (sessions they bridge merge), and a session is `[first, last]` record time, both inclusive.
 *
 * ```ts
 * clicks.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30 * 60_000)).count();
 * ```
 */
export class SessionWindows {
  private constructor(
    /** The inactivity gap in milliseconds: a record at most this far from a session joins it. */
    readonly gapMs: number,
    /** Milliseconds of stream time, beyond the gap after a session's end, during which out-of-order records still join it; 0 for none. */
    readonly graceMs: number,
  ) {
    if (!(Number.isInteger(gapMs) && gapMs > 0)) throw new RangeError(`The inactivity gap must be a positive whole number of ms, got ${gapMs}`);
    if (!(Number.isInteger(graceMs) && graceMs >= 0)) throw new RangeError(`Grace must be a whole number of ms >= 0, got ${graceMs}`);
  }

  /**
   * Sessions split by `gapMs` milliseconds of inactivity, with no grace: a session closes once stream time
   * is `gapMs` past its end (as Kafka Streams' `SessionWindows.ofInactivityGapWithNoGrace`).
   */
  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return new SessionWindows(gapMs, 0);
  }

  /**
   * Sessions split by `gapMs` milliseconds of inactivity that close once stream time is `gapMs + graceMs`
   * past their end (as Kafka Streams' `SessionWindows.ofInactivityGapAndGrace`).
   */
  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(gapMs, graceMs);
  }
}
