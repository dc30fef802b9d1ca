import type { RecordHeaders } from '../processor/record.ts';

/** A record as a test reads it from an output topic (`readRecord`, `readRecordsToList`). */
export interface TestRecord<K, V> {
  /** The topic the record was written to. */
  readonly topic: string;
  /** The deserialized key; null for a record without one. */
  readonly key: K;
  /** The deserialized value; null for a tombstone. */
  readonly value: V;
  /** The record's timestamp, in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The record's headers. */
  readonly headers: RecordHeaders;
}
