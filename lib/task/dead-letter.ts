import type { StreamsException } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ConsumedRecord, ProducedRecord, RecordHeaders } from '../processor/record.ts';
import type { ExceptionHandler } from './exception-handlers.ts';

/** Produce the failed record, as read, to this topic with error headers, then go on. */
export interface DeadLetterQueue {
  /** The topic failed records are produced to, with `__streams.errors.*` headers; the runtime does not create it. */
  readonly deadLetterTopic: string;
}

/**
 * A handler that produces the failed record, as it was read, to a dead letter topic with headers
 * saying what went wrong and where, and lets processing continue. `emit` sends it with the task's
 * other outputs, so on Kafka its offset is committed only once the dead letter is acknowledged.
 */
export function deadLetterHandler(topic: string, emit: (record: ProducedRecord<unknown, unknown>) => void): ExceptionHandler {
  return (error: StreamsException, record: ConsumedRecord<unknown, unknown> | undefined) => {
    if (record === undefined) return 'fail';
    const headers: RecordHeaders = {
      ...record.headers,
      '__streams.errors.exception': error.name,
      '__streams.errors.message': error.message,
      '__streams.errors.topic': record.topic,
      '__streams.errors.partition': String(record.partition),
      '__streams.errors.offset': String(record.offset),
    };
    emit({ topic, key: record.key, value: record.value, timestamp: record.timestamp, headers });
    return 'continue';
  };
}

/**
 * Where a global task's dead letters go: its host has no producer, so, as Kafka Streams does for
 * global processors (KAFKA-19939), the record is named in a warning and processing goes on. It
 * is not lost: it stays in the global topic, which is read again from the beginning on each start.
 */
export function logDroppedDeadLetter(logger: Logger, taskId: string): (record: ProducedRecord<unknown, unknown>) => void {
  return (record) => {
    const header = (name: string): string | undefined => {
      const value = record.headers[`__streams.errors.${name}`];
      return value === undefined ? undefined : String(value);
    };
    logger.warn(`Dropping a dead letter for ${record.topic}: global task ${taskId} has no producer to send it with`, {
      taskId,
      topic: header('topic'),
      partition: header('partition'),
      offset: header('offset'),
    });
  };
}
