import type { Materialized } from '../kstream/options.ts';
import type { KTable } from './ktable.ts';

/** Table rows regrouped by a new key: aggregations add rows that arrive and subtract rows that leave. */
export interface KGroupedTable<K, V> {
  count(materialized?: Materialized<K, number>, name?: string): KTable<K, number>;
  reduce(adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, name?: string): KTable<K, V>;
  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<K, VA>,
    name?: string,
  ): KTable<K, VA>;
}
