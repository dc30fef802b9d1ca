import type { Serde } from '../serdes/serde.ts';
import type { StreamPartitioner, TimestampExtractor } from '../topology/internal/node-defs.ts';

/** How a topic is read (Kafka Streams' `Consumed`). */
export interface Consumed<K, V> {
  /** Reads the topic's keys; default: the config's `defaultKeySerde` (as `Consumed.withKeySerde`). */
  readonly keySerde?: Serde<K>;
  /** Reads the topic's values; default: the config's `defaultValueSerde` (as `Consumed.withValueSerde`). */
  readonly valueSerde?: Serde<V>;
  /**
   * Picks each record's timestamp in milliseconds, given the record and the partition's time so far
   * (as `Consumed.withTimestampExtractor`). Default: the Kafka record's own timestamp.
   */
  readonly timestampExtractor?: TimestampExtractor<K, V>;
  /** Name of the source processor. */
  readonly name?: string;
}

/** How records are written to a topic (Kafka Streams' `Produced`). */
export interface Produced<K, V> {
  /** Writes the keys; default: the stream's key serde if known, else the config's `defaultKeySerde`. */
  readonly keySerde?: Serde<K>;
  /** Writes the values; default: the stream's value serde if known, else the config's `defaultValueSerde`. */
  readonly valueSerde?: Serde<V>;
  /**
   * Picks the partition of each record; returning undefined leaves it to the default partitioner
   * (as `Produced.withStreamPartitioner`).
   */
  readonly partitioner?: StreamPartitioner<K, V>;
  /** Name of the sink processor. */
  readonly name?: string;
}

/** How records are grouped and, if the key changed, repartitioned (Kafka Streams' `Grouped`). */
export interface Grouped<K, V> {
  /**
   * Key serde of the repartition topic and the aggregation's store. Default: the stream's for
   * `groupByKey`; `groupBy` has a new key, so there only the config's `defaultKeySerde`.
   */
  readonly keySerde?: Serde<K>;
  /** Value serde of the repartition topic (and of a `reduce` store); default: the stream's value serde. */
  readonly valueSerde?: Serde<V>;
  /** Names the repartition topic (`<applicationId>-<name>-repartition`) and the grouping processor. */
  readonly name?: string;
}

/** How a table is kept in a state store (Kafka Streams' `Materialized`). */
export interface Materialized<K, V> {
  /**
   * Names the state store, so it can be queried, and its changelog topic
   * (`<applicationId>-<storeName>-changelog`). Default: a generated name (`...-STATE-STORE-0000000004`).
   */
  readonly storeName?: string;
  /** Key serde of the store and its changelog; default: the input's key serde (wrapped in a windowed serde for windowed keys). */
  readonly keySerde?: Serde<K>;
  /**
   * Value serde of the store and its changelog. Default: the input's value serde where the values
   * keep their type (a source table, `filter`, `reduce`); a long for `count`; otherwise the config's
   * `defaultValueSerde`.
   */
  readonly valueSerde?: Serde<V>;
  /** False turns the store's changelog topic off. Default true. */
  readonly loggingEnabled?: boolean;
  /**
   * Topic configs the store's changelog topic is created with, over the defaults (`cleanup.policy`
   * `compact`; `compact,delete` and `retention.ms` for windowed stores), as Kafka Streams'
   * `Materialized.withLoggingEnabled(config)`: `{ changelogConfig: { 'min.insync.replicas': '2' } }`.
   * An existing changelog topic keeps the configs it has.
   */
  readonly changelogConfig?: Readonly<Record<string, string>>;
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
  /** Key serde of the stream's repartition topic; default: the stream's key serde. */
  readonly keySerde?: Serde<K>;
  /** Value serde of the stream's repartition topic; default: the stream's value serde. */
  readonly valueSerde?: Serde<V>;
  /** Names the join processor and its repartition topic (`<name>-repartition`). */
  readonly name?: string;
}

/** Serdes and names of a stream-stream join (Kafka Streams' `StreamJoined`). */
export interface StreamJoined<K, V, VO> {
  /** Key serde of the join buffers and repartition topics; default: this stream's key serde, else the other's. */
  readonly keySerde?: Serde<K>;
  /** Serde of this stream's values in its join buffer and repartition topic; default: this stream's value serde. */
  readonly valueSerde?: Serde<V>;
  /** Serde of the other stream's values in its join buffer and repartition topic; default: the other stream's value serde. */
  readonly otherValueSerde?: Serde<VO>;
  /** Names the join processors, their buffer stores and repartition topics. */
  readonly name?: string;
}

/** How `repartition()` writes and reads its topic (Kafka Streams' `Repartitioned`). */
export interface Repartitioned<K, V> {
  /** Names the topic (`<applicationId>-<name>-repartition`) and its sink and source processors; default: a generated name. */
  readonly name?: string;
  /**
   * Partitions of the repartition topic, a positive whole number (as `Repartitioned.withNumberOfPartitions`).
   * Default: the largest partition count of the source topics upstream of it (of the joined topics, when it feeds a join).
   */
  readonly numberOfPartitions?: number;
  /** Key serde of the topic; default: the stream's key serde. */
  readonly keySerde?: Serde<K>;
  /** Value serde of the topic; default: the stream's value serde. */
  readonly valueSerde?: Serde<V>;
  /** Picks the partition of each record; returning undefined leaves it to the default partitioner (as `Repartitioned.withStreamPartitioner`). */
  readonly partitioner?: StreamPartitioner<K, V>;
}
