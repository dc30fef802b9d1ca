/** Kafka record headers, as kafkajs reads and writes them. */
export type RecordHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/** Shared by every record that has no headers, so passing a record on allocates nothing. */
export const NO_HEADERS: RecordHeaders = Object.freeze({});

/**
 * A record flowing through a topology: what processors receive and forward.
 * Records are immutable: derive a new one with a spread (`{ ...record, value: v }`).
 */
export interface StreamRecord<K, V> {
  /** The record's key, as the key serde reads and writes it. */
  readonly key: K;
  /** The record's value, as the value serde reads and writes it. */
  readonly value: V;
  /** Event time in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The Kafka headers; `NO_HEADERS` when the record has none. */
  readonly headers: RecordHeaders;
}

/** Where the record being processed came from. */
export interface RecordContext {
  /** The topic the record was read from. */
  readonly topic: string;
  /** The partition the record was read from. */
  readonly partition: number;
  /** The record's offset in that partition. */
  readonly offset: number;
  /** The record's timestamp in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The record's Kafka headers. */
  readonly headers: RecordHeaders;
}

/** A record as read from a topic: keys and values are Buffers before the source deserializes them. */
export interface ConsumedRecord<K, V> extends StreamRecord<K, V>, RecordContext {}

/** A record on its way to a topic; `partition` is set when a partitioner chose one. */
export interface ProducedRecord<K, V> extends StreamRecord<K, V> {
  /** The topic the record is written to. */
  readonly topic: string;
  /** The partition chosen by the sink's partitioner; undefined leaves the choice to the producer. */
  readonly partition?: number;
}

/** A key and a value, as stores and output topics hand them out. */
export interface KeyValue<K, V> {
  /** The entry's key; a `Windowed<K>` in the entries of windowed and session stores. */
  readonly key: K;
  /** The value stored under, or sent with, `key`. */
  readonly value: V;
}
