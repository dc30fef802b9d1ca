import type { ConsumerConfig, KafkaConfig, ProducerConfig } from 'kafkajs';
import type { StreamsConfig } from '../config.ts';
import type { LogLevel } from '../logger.ts';
import type { ExceptionHandlerOption } from '../task/exception-handlers.ts';

/** Produce the failed record, as read, to this topic with error headers, then go on. */
export interface DeadLetterQueue {
  readonly deadLetterTopic: string;
}

export type RuntimeExceptionHandlerOption = ExceptionHandlerOption | DeadLetterQueue;

export interface KafkaStreamsConfig extends Omit<StreamsConfig, 'deserializationExceptionHandler' | 'processingExceptionHandler'> {
  /** Any kafkajs client config: brokers, SSL, SASL, retry... */
  readonly kafka: KafkaConfig;
  readonly processingGuarantee?: 'at_least_once';
  /** How often processed offsets are committed. Default 30000, as in Kafka Streams. */
  readonly commitIntervalMs?: number;
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
