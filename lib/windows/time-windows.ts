import type { Window } from './windowed.ts';

/**
 * Fixed-size windows aligned to the epoch: tumbling (advance = size) or hopping (advance < size).
 * A window covers `[start, start + size)`. Records up to `grace` ms after a window's end still
 * update it; later ones are dropped as late.
 *
 * ```ts
 * stream.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(60_000, 10_000).advanceBy(30_000)).count();
 * ```
 */
export class TimeWindows {
  private constructor(
    /** Length of each window in milliseconds. */
    readonly sizeMs: number,
    /** Milliseconds between the starts of consecutive windows; equals `sizeMs` for tumbling windows. */
    readonly advanceMs: number,
    /** Milliseconds of stream time past a window's end during which out-of-order records still update it; 0 for none. */
    readonly graceMs: number,
  ) {
    if (!(Number.isInteger(sizeMs) && sizeMs > 0)) throw new RangeError(`Window size must be a positive whole number of ms, got ${sizeMs}`);
    if (!(Number.isInteger(advanceMs) && advanceMs > 0 && advanceMs <= sizeMs)) {
      throw new RangeError(`Window advance must be a whole number of ms in (0, size ${sizeMs}], got ${advanceMs}`);
    }
    if (!(Number.isInteger(graceMs) && graceMs >= 0)) throw new RangeError(`Grace must be a whole number of ms >= 0, got ${graceMs}`);
  }

  /**
   * Tumbling windows of `sizeMs` milliseconds with no grace: once stream time reaches a window's end,
   * records for it are dropped (as Kafka Streams' `TimeWindows.ofSizeWithNoGrace`).
   */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return new TimeWindows(sizeMs, sizeMs, 0);
  }

  /**
   * Tumbling windows of `sizeMs` milliseconds that still take out-of-order records until stream time
   * is `graceMs` past the window's end (as Kafka Streams' `TimeWindows.ofSizeAndGrace`).
   */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Hopping windows: a new window starts every `advanceMs`. */
  advanceBy(advanceMs: number): TimeWindows {
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** The windows a record at `timestamp` falls in, earliest first (Kafka Streams' windowsFor). */
  windowsFor(timestamp: number): Window[] {
    const windows: Window[] = [];
    let start = Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    for (; start <= timestamp; start += this.advanceMs) windows.push({ start, end: start + this.sizeMs });
    return windows;
  }
}
