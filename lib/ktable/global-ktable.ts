/**
 * A table replicated in full to every instance: each task can read every key, so joins against
 * it need no co-partitioning. Its store is read-only to processors.
 */
export interface GlobalKTable<K, V> {
  readonly queryableStoreName: string;
  /** Type marker only; a GlobalKTable is read through its store or joins. */
  readonly __types?: { key: K; value: V };
}
