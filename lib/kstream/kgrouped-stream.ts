import type { KTable } from '../ktable/ktable.ts';
import type { TimeWindowedKStream } from '../windows/time-windowed-kstream.ts';
import type { TimeWindows } from '../windows/time-windows.ts';
import type { SessionWindows } from '../windows/session-windows.ts';
import type { SlidingWindows } from '../windows/sliding-windows.ts';
import type { SessionWindowedKStream } from '../windows/session-windowed-kstream.ts';
import type { Materialized } from './options.ts';
import type { CogroupedKStream } from './cogrouped-kstream.ts';

/** A stream grouped by key, ready to aggregate into a table. */
export interface KGroupedStream<K, V> {
  /** Records per key (records with a null value are not counted, as in Kafka Streams). */
  count(materialized?: Materialized<K, number>, name?: string): KTable<K, number>;
  /**
   * Combines each key's values with the reducer, a key's first value being its first aggregate; the
   * store's value serde defaults to the stream's. Records with a null value are skipped.
   */
  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, name?: string): KTable<K, V>;
  /**
   * Folds each key's values into an aggregate that starts as `initializer()`. Records with a null value
   * are skipped; give `materialized.valueSerde` for the aggregate (else the config's `defaultValueSerde`).
   */
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized?: Materialized<K, VA>, name?: string): KTable<K, VA>;
  /** Starts a cogroup: this grouped stream with its aggregator; add more with `.cogroup(...)`, finish with `.aggregate(...)`. */
  cogroup<VA>(aggregator: (key: K, value: V, aggregate: VA) => VA): CogroupedKStream<K, VA>;
  /** Cuts the groups into time windows (tumbling or hopping); aggregations are then per key and window. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  /** Cuts the groups into sessions of activity; aggregations are then per key and session. */
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
}
