/** How much a suppression may hold, and what to do when it is full. */
export interface BufferConfig {
  /** At most this many keys are held; unbounded when absent. */
  readonly maxRecords?: number;
  /** `'shut-down'` fails the task (final results stay final); `'emit-early'` emits the oldest key. */
  readonly whenFull: 'shut-down' | 'emit-early';
}

/**
 * Buffer configurations for `Suppressed`, as Kafka Streams' `Suppressed.BufferConfig`.
 *
 * ```ts
 * Suppressed.untilTimeLimit(60_000, BufferConfig.maxRecords(10_000, 'emit-early'));
 * ```
 */
export const BufferConfig = {
  /** A buffer with no limit on the keys it holds (as `BufferConfig.unbounded()`); it never fills up. */
  unbounded: (): BufferConfig => ({ whenFull: 'shut-down' }),
  /** A buffer of at most `maxRecords` keys (a positive whole number); when full it shuts down (default) or emits early. */
  maxRecords: (maxRecords: number, whenFull: BufferConfig['whenFull'] = 'shut-down'): BufferConfig => {
    if (!(Number.isInteger(maxRecords) && maxRecords > 0)) throw new RangeError(`maxRecords must be a positive whole number, got ${maxRecords}`);
    return { maxRecords, whenFull };
  },
} as const;

/** What `KTable.suppress` holds back, and until when. */
export type Suppressed =
  | {
      /** Holds each window's updates until it closes. */
      readonly kind: 'until-window-closes';
      /** How many keys may be held; must shut down when full. */
      readonly buffer: BufferConfig;
    }
  | {
      /** Holds each key's updates for a time limit. */
      readonly kind: 'until-time-limit';
      /** Milliseconds of stream time a key's first held update waits before the latest value is emitted. */
      readonly timeLimitMs: number;
      /** How many keys may be held, and what to do when full. */
      readonly buffer: BufferConfig;
    };

/**
 * Suppression of intermediate table updates, as Kafka Streams' `Suppressed`.
 *
 * ```ts
 * counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream(); // one final count per window
 * ```
 */
export const Suppressed = {
  /** Only the final result of each window, once stream time passes its end plus grace. */
  untilWindowCloses: (buffer: BufferConfig = BufferConfig.unbounded()): Suppressed => {
    if (buffer.whenFull === 'emit-early')
      throw new TypeError('untilWindowCloses emits final results only: its buffer must shut down when full, not emit early');
    return { kind: 'until-window-closes', buffer };
  },
  /** The latest value per key, once stream time is `timeLimitMs` past the key's first held update. */
  untilTimeLimit: (timeLimitMs: number, buffer: BufferConfig = BufferConfig.unbounded()): Suppressed => {
    if (!(Number.isInteger(timeLimitMs) && timeLimitMs >= 0)) throw new RangeError(`timeLimitMs must be a whole number >= 0, got ${timeLimitMs}`);
    return { kind: 'until-time-limit', timeLimitMs, buffer };
  },
} as const;
