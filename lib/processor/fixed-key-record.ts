import type { RecordHeaders, StreamRecord } from './record.ts';

let create: <K, V>(key: K, value: V, timestamp: number, headers: RecordHeaders) => FixedKeyRecord<K, V>;

/**
 * The record a `FixedKeyProcessor` receives and forwards: its value, timestamp and headers can be
 * replaced, its key cannot. There is no `withKey`, and the constructor is private, so the only
 * records a fixed-key processor can forward are those it was handed, or copies of them; that is
 * what lets `processValues` leave the stream's partitioning alone.
 *
 * ```ts
 * import type { FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyRecord } from 'rx-kafka-streams';
 *
 * class Length implements FixedKeyProcessor<string, string, number> {
 *   private context!: FixedKeyProcessorContext<string, number>;
 *   init(context: FixedKeyProcessorContext<string, number>): void {
 *     this.context = context;
 *   }
 *   process(record: FixedKeyRecord<string, string>): void {
 *     this.context.forward(record.withValue(record.value.length));
 *   }
 * }
 * ```
 */
export class FixedKeyRecord<K, V> implements StreamRecord<K, V> {
  // A private member makes the type nominal: a spread or an object literal with another key
  // does not type-check as a FixedKeyRecord. Declared only, so records carry no extra field.
  declare private readonly fixedKey: never;

  static {
    create = (key, value, timestamp, headers) => new FixedKeyRecord(key, value, timestamp, headers);
  }

  private constructor(
    /** The record's key, as it arrived: a fixed-key processor cannot change it. */
    readonly key: K,
    /** The record's value. */
    readonly value: V,
    /** Event time in milliseconds since the epoch; never negative. */
    readonly timestamp: number,
    /** The Kafka headers; `NO_HEADERS` when the record has none. */
    readonly headers: RecordHeaders,
  ) {
    // As Kafka's FixedKeyRecord: a negative time would reach sinks and windows as a valid one. A
    // RangeError, as Kafka's cause is an IllegalArgumentException: the task wraps it in a
    // ProcessingException that names the processor and the record, which this class cannot know.
    if (!(timestamp >= 0)) throw new RangeError(`Malformed record: a FixedKeyRecord's timestamp may not be negative; got ${timestamp}`);
  }

  /**
   * A copy of this record with `value` in place of its value.
   * @param value The new record's value, of any type.
   * @returns A new record with the same key, timestamp and headers.
   */
  withValue<VNew>(value: VNew): FixedKeyRecord<K, VNew> {
    return new FixedKeyRecord(this.key, value, this.timestamp, this.headers);
  }

  /**
   * A copy of this record with `timestamp` in place of its timestamp.
   * @param timestamp Milliseconds since the epoch, 0 or more; a negative one throws a RangeError.
   * @returns A new record with the same key, value and headers.
   */
  withTimestamp(timestamp: number): FixedKeyRecord<K, V> {
    return new FixedKeyRecord(this.key, this.value, timestamp, this.headers);
  }

  /**
   * A copy of this record with `headers` in place of its headers.
   * @param headers The new record's headers (`NO_HEADERS` for none).
   * @returns A new record with the same key, value and timestamp.
   */
  withHeaders(headers: RecordHeaders): FixedKeyRecord<K, V> {
    return new FixedKeyRecord(this.key, this.value, this.timestamp, headers);
  }
}

/** The engine's only way to make a FixedKeyRecord, as Kafka's InternalFixedKeyRecordFactory: from the record a processor is handed. */
export function toFixedKeyRecord<K, V>(record: StreamRecord<K, V>): FixedKeyRecord<K, V> {
  return create(record.key, record.value, record.timestamp, record.headers);
}
