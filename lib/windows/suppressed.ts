/** How much a suppression may hold, and what to do when it is full. */
export interface BufferConfig {
  /** At most this many keys are held; unbounded when absent. */
  readonly maxRecords?: number;
  /** `'shut-down'` fails the task (final results stay final); `'emit-early'` emits the oldest key. */
  readonly whenFull: 'shut-down' | 'emit-early';
}

export const BufferConfig = {
  unbounded: (): BufferConfig => ({ whenFull: 'shut-down' }),
  maxRecords: (maxRecords: number, whenFull: BufferConfig['whenFull'] = 'shut-down'): BufferConfig => {
    if (!(Number.isInteger(maxRecords) && maxRecords > 0)) throw new RangeError(`maxRecords must be a positive whole number, got ${maxRecords}`);
    return { maxRecords, whenFull };
  },
} as const;

/** What `KTable.suppress` holds back, and until when. */
export type Suppressed =
  | { readonly kind: 'until-window-closes'; readonly buffer: BufferConfig }
  | { readonly kind: 'until-time-limit'; readonly timeLimitMs: number; readonly buffer: BufferConfig };

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
