/**
 * A table replicated in full to every instance: each task can read every key, so joins against
 * it need no co-partitioning. Its store is read-only to processors.
 */
export interface GlobalKTable<K, V> {
  /** The state store that holds the table, on every instance; named by `materialized.storeName`, else generated. */
  readonly queryableStoreName: string;
  /** Type marker only; a GlobalKTable is read through its store or joins. */
  readonly __types?: {
    /** Carries the key type `K` for the compiler; never set. */
    key: K;
    /** Carries the value type `V` for the compiler; never set. */
    value: V;
  };
}
