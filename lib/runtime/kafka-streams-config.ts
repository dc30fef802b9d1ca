import type { ConsumerConfig, KafkaConfig, ProducerConfig } from 'kafkajs';
import type { StreamsConfig } from '../config.ts';
import type { LogLevel } from '../logger.ts';
import type { ExceptionHandlerOption } from '../task/exception-handlers.ts';
import type { StoreFactories } from './task-stores.ts';

/** Produce the failed record, as read, to this topic with error headers, then go on. */
export interface DeadLetterQueue {
  readonly deadLetterTopic: string;
}

export type RuntimeExceptionHandlerOption = ExceptionHandlerOption | DeadLetterQueue;

export interface KafkaStreamsConfig extends Omit<StreamsConfig, 'deserializationExceptionHandler' | 'processingExceptionHandler'> {
  /** Any kafkajs client config: brokers, SSL, SASL, retry... */
  readonly kafka: KafkaConfig;
  /**
   * `'at_least_once'` (default): offsets are committed after the outputs are acknowledged.
   * `'exactly_once_v2'`: outputs, changelog writes and offsets commit in one transaction per task.
   */
  readonly processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  /** How often processed offsets are committed. Default 30000 (100 under exactly-once), as in Kafka Streams. */
  readonly commitIntervalMs?: number;
  /**
   * Keyv backends for the state stores, by store name or `default`, e.g.
   * `{ default: (namespace) => new Keyv(), 'item-quantity': (namespace) => new Keyv(new KeyvRedis(url)) }`.
   * Without a factory a store persists to an in-memory Keyv.
   */
  readonly stores?: StoreFactories;
  /**
   * Bytes (estimated) that the record caches of this instance's tables may hold together: an
   * aggregation's updates to one key are merged until the next commit and only the latest goes
   * downstream, as Kafka Streams' `statestore.cache.max.bytes`. Default 10 MB; 0 forwards every
   * update. `Materialized.cachingEnabled: false` turns it off for one table.
   */
  readonly statestoreCacheMaxBytes?: number;
  /** How many partitions are processed at once (their I/O overlaps). Default 4. */
  readonly maxConcurrentTasks?: number;
  readonly deserializationExceptionHandler?: RuntimeExceptionHandlerOption;
  readonly processingExceptionHandler?: RuntimeExceptionHandlerOption;
  /** kafkajs' own log level. Default 'warn'. */
  readonly kafkaLogLevel?: LogLevel;
  /** Overrides for the group consumer (session timeout, heartbeat, max wait...). */
  readonly consumer?: Partial<Omit<ConsumerConfig, 'groupId'>>;
  readonly producer?: Partial<ProducerConfig>;
}
