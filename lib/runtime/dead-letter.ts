import type { ConsumedRecord, ProducedRecord, RecordHeaders } from '../processor/record.ts';
import type { StreamsException } from '../errors.ts';
import type { ExceptionHandler } from '../task/exception-handlers.ts';

/**
 * A handler that produces the failed record, as it was read, to a dead letter topic with headers
 * saying what went wrong and where, and lets processing continue. The record goes out with the
 * task's other outputs, so its offset is committed only once the dead letter is acknowledged.
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
