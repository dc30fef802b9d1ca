import type { Materialized } from '../kstream/options.ts';
import type { KTable } from './ktable.ts';

/** Table rows regrouped by a new key: aggregations add rows that arrive and subtract rows that leave. */
export interface KGroupedTable<K, V> {
  /** Rows per key: a row that arrives adds one, a row that leaves subtracts one. Counts are stored as longs. */
  count(materialized?: Materialized<K, number>, name?: string): KTable<K, number>;
  /**
   * Keeps an aggregate per key: `adder` folds in a row that arrives (a key's first row is its first
   * aggregate), `subtractor` takes out the old value of a row that leaves or changes.
   */
  reduce(adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, name?: string): KTable<K, V>;
  /**
   * Like `reduce`, with an aggregate that starts as `initializer()`; give `materialized.valueSerde`
   * for it (else the config's `defaultValueSerde`).
   */
  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<K, VA>,
    name?: string,
  ): KTable<K, VA>;
}
