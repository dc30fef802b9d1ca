import type { KTable } from '../ktable/ktable.ts';
import type { Materialized } from '../kstream/options.ts';
import type { Windowed } from './windowed.ts';

/** A grouped stream cut into sessions of activity: each aggregation is per key and session. */
export interface SessionWindowedKStream<K, V> {
  /** Records per key and session, stored as longs; as in Kafka Streams, a record with a null value counts too. */
  count(materialized?: Materialized<Windowed<K>, number>, name?: string): KTable<Windowed<K>, number>;
  /** Combines each key's values per session with the reducer; sessions a record bridges are reduced together. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<Windowed<K>, V>, name?: string): KTable<Windowed<K>, V>;
  /** `sessionMerger` combines the aggregates of two sessions a record bridges. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    sessionMerger: (key: K, left: VA, right: VA) => VA,
    materialized?: Materialized<Windowed<K>, VA>,
    name?: string,
  ): KTable<Windowed<K>, VA>;
}
