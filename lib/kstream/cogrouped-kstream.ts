import type { KTable } from '../ktable/ktable.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { Materialized } from './options.ts';

/**
 * Several grouped streams aggregated into one table, each with its own aggregator, sharing one
 * aggregate per key (Kafka Streams' CogroupedKStream).
 *
 * ```ts
 * const customers = clicks.groupByKey().cogroup((id, click, profile: Profile) => ({ ...profile, clicks: profile.clicks + 1 }))
 *   .cogroup(purchases.groupByKey(), (id, purchase, profile) => ({ ...profile, spent: profile.spent + purchase.amount }))
 *   .aggregate(() => ({ clicks: 0, spent: 0 }));
 * ```
 */
export interface CogroupedKStream<K, VA> {
  /** Adds another grouped stream, with its own aggregator, to the shared aggregate; its key must be the same. */
  cogroup<V>(grouped: KGroupedStream<K, V>, aggregator: (key: K, value: V, aggregate: VA) => VA): CogroupedKStream<K, VA>;
  /**
   * Finishes the cogroup: one table whose aggregate per key starts as `initializer()`. The store's value
   * serde is `materialized.valueSerde`, else the config's `defaultValueSerde`; the inputs must be
   * co-partitioned, as for a join.
   */
  aggregate(initializer: () => VA, materialized?: Materialized<K, VA>, name?: string): KTable<K, VA>;
}
