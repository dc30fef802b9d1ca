import type { RecordHeaders } from '../processor/record.ts';

/** A record as a test writes it to, or reads it from, a topic. */
export interface TestRecord<K, V> {
  readonly topic: string;
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}
