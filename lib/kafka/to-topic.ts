import { bufferTime, concatMap, defer, filter, finalize, type OperatorFunction } from 'rxjs';
import type { Kafka, ProducerConfig, RecordMetadata } from 'kafkajs';
import { NO_HEADERS, type RecordHeaders } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import { serializeOrThrow } from '../task/serde-errors.ts';
import { toKafkaMessage } from './kafka-records.ts';

/** How `toTopic` writes to a topic: with which serdes, in batches of what size, through which producer settings. */
export interface ToTopicOptions<K, V> {
  /** Serializes the records' keys. */
  readonly keySerde: Serde<K>;
  /** Serializes the records' values. */
  readonly valueSerde: Serde<V>;
  /** Records are sent in batches of at most this many. Default 500. */
  readonly maxBatchSize?: number;
  /** How long a batch may wait to fill up. Default 5 ms. */
  readonly lingerMs?: number;
  /**
   * kafkajs producer settings. By default the producer is idempotent (as the Java client's is):
   * a request kafkajs retries after a partial failure does not write its records twice.
   */
  readonly producer?: ProducerConfig;
}

/** A record for `toTopic` to write: a key and a value, and optionally its timestamp, headers and partition. */
export interface ToTopicRecord<K, V> {
  /** The key, serialized with `keySerde`. */
  readonly key: K;
  /** The value, serialized with `valueSerde`. */
  readonly value: V;
  /** The record's timestamp in milliseconds; default the time its batch is sent. */
  readonly timestamp?: number;
  /** The record's headers; default none. */
  readonly headers?: RecordHeaders;
  /** The partition to write to; undefined lets the producer's partitioner choose, by key. */
  readonly partition?: number;
}

/**
 * Writes the records of an Observable to a topic in batches (one `send` per batch, acks from
 * all replicas) and emits the metadata of each acknowledged batch, in order.
 *
 * ```ts
 * orders$.pipe(toTopic(kafka, 'orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })).subscribe();
 * ```
 */
export function toTopic<K, V>(kafka: Kafka, topic: string, options: ToTopicOptions<K, V>): OperatorFunction<ToTopicRecord<K, V>, RecordMetadata[]> {
  return (source) =>
    defer(() => {
      // One batch at a time (concatMap), so one request in flight costs nothing.
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, ...options.producer });
      const connected = producer.connect();
      return source.pipe(
        bufferTime(options.lingerMs ?? 5, null, options.maxBatchSize ?? 500),
        filter((batch) => batch.length > 0),
        concatMap(async (batch) => {
          await connected;
          const messages = batch.map((record) =>
            toKafkaMessage({
              topic,
              partition: record.partition,
              key: serializeOrThrow(options.keySerde as Serde<unknown>, topic, record.key, 'key', () => ({ topic })),
              value: serializeOrThrow(options.valueSerde as Serde<unknown>, topic, record.value, 'value', () => ({ topic })),
              timestamp: record.timestamp ?? Date.now(),
              headers: record.headers ?? NO_HEADERS,
            }),
          );
          return producer.send({ topic, messages, acks: -1 });
        }),
        finalize(() => void producer.disconnect()),
      );
    });
}
