/**
 * Sessions of activity per key: records closer than the inactivity gap to a session join it
 * (sessions they bridge merge), and a session is `[first, last]` record time, both inclusive.
 *
 * ```ts
 * clicks.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30 * 60_000)).count();
 * ```
 */
export class SessionWindows {
  private constructor(
    readonly gapMs: number,
    readonly graceMs: number,
  ) {
    if (!(Number.isInteger(gapMs) && gapMs > 0)) throw new RangeError(`The inactivity gap must be a positive whole number of ms, got ${gapMs}`);
    if (!(Number.isInteger(graceMs) && graceMs >= 0)) throw new RangeError(`Grace must be a whole number of ms >= 0, got ${graceMs}`);
  }

  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return new SessionWindows(gapMs, 0);
  }

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(gapMs, graceMs);
  }
}
