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
    readonly beforeMs: number,
    readonly afterMs: number,
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

  static ofTimeDifferenceWithNoGrace(differenceMs: number): JoinWindows {
    return new JoinWindows(differenceMs, differenceMs, 0);
  }

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
