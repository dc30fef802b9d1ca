/**
 * How far apart in time two records of a stream-stream join may be: a record at `t` joins the
 * other stream's records from `t - before` to `t + after` (both `difference` by default), and
 * out-of-order records are accepted until stream time is `grace` past the window.
 *
 * ```ts
 * orders.join(payments, (order, payment) => ({ ...order, paid: payment.amount }), JoinWindows.ofTimeDifferenceWithNoGrace(5 * 60_000));
 * ```
 */
export class JoinWindows {
  private constructor(
    /** How many milliseconds before a record the other stream's records may be, to join it. */
    readonly beforeMs: number,
    /** How many milliseconds after a record the other stream's records may be, to join it. */
    readonly afterMs: number,
    /** Milliseconds of stream time past a window's end during which out-of-order records are still joined; 0 for none. */
    readonly graceMs: number,
  ) {
    for (const [name, value] of [
      ['before', beforeMs],
      ['after', afterMs],
      ['grace', graceMs],
    ] as const) {
      if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`JoinWindows ${name} must be a whole number of ms >= 0, got ${value}`);
    }
  }

  /** Records join when at most `differenceMs` milliseconds apart, either way, with no grace (as Kafka Streams' `JoinWindows.ofTimeDifferenceWithNoGrace`). */
  static ofTimeDifferenceWithNoGrace(differenceMs: number): JoinWindows {
    return new JoinWindows(differenceMs, differenceMs, 0);
  }

  /**
   * Records join when at most `differenceMs` milliseconds apart, either way; out-of-order records are
   * accepted until stream time is `graceMs` past the window (as Kafka Streams' `JoinWindows.ofTimeDifferenceAndGrace`).
   */
  static ofTimeDifferenceAndGrace(differenceMs: number, graceMs: number): JoinWindows {
    return new JoinWindows(differenceMs, differenceMs, graceMs);
  }

  /** How long before a record the other stream's records may be. */
  before(ms: number): JoinWindows {
    return new JoinWindows(ms, this.afterMs, this.graceMs);
  }

  /** How long after a record the other stream's records may be. */
  after(ms: number): JoinWindows {
    return new JoinWindows(this.beforeMs, ms, this.graceMs);
  }
}
