import type { KeyValue, RecordHeaders } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';

/**
 * A record to pipe (Kafka's `TestRecord` as `TestInputTopic.pipeInput` takes it): without a
 * timestamp it gets the topic's current time.
 */
export interface TestInputRecord<K, V> {
  /** The key; null for a record without one. */
  readonly key: K;
  /** The value; null for a tombstone. */
  readonly value: V;
  /** The record's timestamp in milliseconds since the epoch; default: the topic's current time. */
  readonly timestamp?: number;
  /** The record's headers; default: none. */
  readonly headers?: RecordHeaders;
}

/** What a TestInputTopic needs from its driver. */
export interface InputTopicSink {
  pipeSerialized(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number | undefined, headers: RecordHeaders | undefined): void;
}

/**
 * Writes records into one topic of a TopologyTestDriver, serialized with the given serdes.
 * Without a timestamp a record gets the topic's current time: the `startTimestamp` given at
 * creation, moved by `autoAdvanceMs` after each record, or else the driver's wall-clock time.
 */
export class TestInputTopic<K, V> {
  private currentTime: number | undefined;
  private readonly autoAdvanceMs: number;

  constructor(
    /** The topic records are piped into. */
    readonly topic: string,
    private readonly driver: InputTopicSink,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    options: { startTimestamp?: number; autoAdvanceMs?: number } = {},
  ) {
    this.currentTime = options.startTimestamp;
    this.autoAdvanceMs = options.autoAdvanceMs ?? 0;
  }

  /**
   * Serializes one record, pipes it into the topic and processes everything it causes, as Kafka's
   * `TestInputTopic.pipeInput`. Without `timestampMs` it gets the topic's current time.
   */
  pipeInput(key: K, value: V, timestampMs?: number, headers?: RecordHeaders): void {
    const timestamp = timestampMs ?? this.nextTimestamp();
    this.driver.pipeSerialized(this.topic, this.keySerde.serialize(this.topic, key), this.valueSerde.serialize(this.topic, value), timestamp, headers);
  }

  /** Pipes one record with its key, value, timestamp and headers (Kafka's `pipeInput(TestRecord)`). */
  pipeRecord(record: TestInputRecord<K, V>): void {
    this.pipeInput(record.key, record.value, record.timestamp, record.headers);
  }

  /** Pipes the records in order, each as `pipeRecord` does (Kafka's `pipeRecordList`). */
  pipeRecordList(records: Iterable<TestInputRecord<K, V>>): void {
    for (const record of records) this.pipeRecord(record);
  }

  /** Pipes a value with a null key. */
  pipeValue(value: V, timestampMs?: number): void {
    this.pipeInput(null as K, value, timestampMs);
  }

  /**
   * Pipes the records in order. With `startTimestampMs` the first gets that timestamp and each
   * next one `advanceMs` (default 0) more; without it each gets the topic's current time.
   */
  pipeKeyValueList(records: Iterable<KeyValue<K, V>>, startTimestampMs?: number, advanceMs = 0): void {
    let time = startTimestampMs;
    for (const record of records) {
      this.pipeInput(record.key, record.value, time);
      if (time !== undefined) time += advanceMs;
    }
  }

  /**
   * Pipes the values in order with null keys. With `startTimestampMs` the first gets that
   * timestamp and each next one `advanceMs` (default 0) more; without it each gets the topic's
   * current time.
   */
  pipeValueList(values: Iterable<V>, startTimestampMs?: number, advanceMs = 0): void {
    let time = startTimestampMs;
    for (const value of values) {
      this.pipeValue(value, time);
      if (time !== undefined) time += advanceMs;
    }
  }

  /** Moves this topic's current time (the timestamp of records piped without one). */
  advanceTime(ms: number): void {
    if (this.currentTime === undefined) throw new Error(`Input topic ${this.topic} has no startTimestamp, so its time follows the driver's wall clock`);
    this.currentTime += ms;
  }

  private nextTimestamp(): number | undefined {
    if (this.currentTime === undefined) return undefined;
    const time = this.currentTime;
    this.currentTime += this.autoAdvanceMs;
    return time;
  }
}
