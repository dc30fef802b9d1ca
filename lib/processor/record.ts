/** Kafka record headers, as kafkajs reads and writes them. */
export type RecordHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/** Shared by every record that has no headers, so passing a record on allocates nothing. */
export const NO_HEADERS: RecordHeaders = Object.freeze({});

/**
 * A record flowing through a topology: what processors receive and forward.
 * Records are immutable: derive a new one with a spread (`{ ...record, value: v }`).
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Event time in milliseconds since the epoch. */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** Where the record being processed came from. */
export interface RecordContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** A record as read from a topic: keys and values are Buffers before the source deserializes them. */
export interface ConsumedRecord<K, V> extends StreamRecord<K, V>, RecordContext {}

/** A record on its way to a topic; `partition` is set when a partitioner chose one. */
export interface ProducedRecord<K, V> extends StreamRecord<K, V> {
  readonly topic: string;
  readonly partition?: number;
}

/** A key and a value, as stores and output topics hand them out. */
export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}
