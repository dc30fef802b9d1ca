import type { KTable } from '../ktable/ktable.ts';
import type { Materialized } from '../kstream/options.ts';
import type { Windowed } from './windowed.ts';

/** A grouped stream cut into time windows: each aggregation is per key and window. */
export interface TimeWindowedKStream<K, V> {
  /**
   * `'on-window-update'` (default) emits every update of a window; `'on-window-close'` emits one
   * final result per window once stream time passes its end plus grace.
   */
  emitStrategy(strategy: 'on-window-update' | 'on-window-close'): TimeWindowedKStream<K, V>;
  /**
   * Records per key and window, stored as longs. As in Kafka Streams, a record with a null value counts
   * in time windows but is skipped by sliding windows.
   */
  count(materialized?: Materialized<Windowed<K>, number>, name?: string): KTable<Windowed<K>, number>;
  /** Combines each key's values per window with the reducer, a window's first value being its first aggregate. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<Windowed<K>, V>, name?: string): KTable<Windowed<K>, V>;
  /**
   * Folds each key's values per window into an aggregate that starts as `initializer()`; give
   * `materialized.valueSerde` for it (else the config's `defaultValueSerde`).
   */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<Windowed<K>, VA>,
    name?: string,
  ): KTable<Windowed<K>, VA>;
}
