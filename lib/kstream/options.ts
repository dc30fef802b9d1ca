import type { Serde } from '../serdes/serde.ts';
import type { StreamPartitioner, TimestampExtractor } from '../topology/internal/node-defs.ts';

/** How a topic is read (Kafka Streams' `Consumed`). */
export interface Consumed<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly timestampExtractor?: TimestampExtractor<K, V>;
  /** Name of the source processor. */
  readonly name?: string;
}

/** How records are written to a topic (Kafka Streams' `Produced`). */
export interface Produced<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
  /** Name of the sink processor. */
  readonly name?: string;
}

/** How records are grouped and, if the key changed, repartitioned (Kafka Streams' `Grouped`). */
export interface Grouped<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Names the repartition topic (`<applicationId>-<name>-repartition`) and the grouping processor. */
  readonly name?: string;
}

/** How a table is kept in a state store (Kafka Streams' `Materialized`). */
export interface Materialized<K, V> {
  readonly storeName?: string;
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** False turns the store's changelog topic off. Default true. */
  readonly loggingEnabled?: boolean;
  /**
   * Whether the table's updates to a key are merged until the next commit, so that only the
   * latest is sent downstream (Kafka Streams' record cache, sized by `statestoreCacheMaxBytes`).
   * Applies on Kafka to count/reduce/aggregate of grouped streams and tables and of time windows;
   * session, sliding-window and cogrouped aggregations forward every update. Default true, as in
   * Kafka Streams.
   */
  readonly cachingEnabled?: boolean;
  /**
   * Windowed stores: how long a window stays queryable, counted from its start, in stream time.
   * Default: window size + grace, as in Kafka Streams (a closed window leaves soon after).
   */
  readonly retentionMs?: number;
}

/** How a stream-table join repartitions the stream when its key changed (Kafka Streams' `Joined`). */
export interface Joined<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Names the join processor and its repartition topic (`<name>-repartition`). */
  readonly name?: string;
}

/** Serdes and names of a stream-stream join (Kafka Streams' `StreamJoined`). */
export interface StreamJoined<K, V, VO> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly otherValueSerde?: Serde<VO>;
  /** Names the join processors, their buffer stores and repartition topics. */
  readonly name?: string;
}

/** How `repartition()` writes and reads its topic (Kafka Streams' `Repartitioned`). */
export interface Repartitioned<K, V> {
  readonly name?: string;
  readonly numberOfPartitions?: number;
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
}
