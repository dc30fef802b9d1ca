import type { KeyValue } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import type { TaskOutput } from '../task/stream-task.ts';
import type { TestRecord } from './test-record.ts';

/** What a TestOutputTopic needs from its driver. */
export interface OutputTopicSource {
  readOutput(topic: string): TaskOutput | undefined;
  queueSize(topic: string): number;
}

/** Reads, in order, what a topology wrote to one topic, deserialized with the given serdes. */
export class TestOutputTopic<K, V> {
  constructor(
    /** The topic this reads. */
    readonly topic: string,
    private readonly driver: OutputTopicSource,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  /** Takes the next record off the topic, deserialized, as Kafka's `TestOutputTopic.readRecord`; throws when the topic is empty. */
  readRecord(): TestRecord<K, V> {
    const record = this.driver.readOutput(this.topic);
    if (record === undefined) throw new Error(`Empty topic: ${this.topic}`);
    return {
      topic: record.topic,
      key: this.keySerde.deserialize(this.topic, record.key as Buffer | null),
      value: this.valueSerde.deserialize(this.topic, record.value as Buffer | null),
      timestamp: record.timestamp,
      headers: record.headers,
    };
  }

  /** Takes the next record off the topic and returns its value; throws when the topic is empty. */
  readValue(): V {
    return this.readRecord().value;
  }

  /** Takes the next record off the topic and returns its key and value; throws when the topic is empty. */
  readKeyValue(): KeyValue<K, V> {
    const { key, value } = this.readRecord();
    return { key, value };
  }

  /** Takes every record left on the topic, in order; empty when there is none. */
  readRecordsToList(): TestRecord<K, V>[] {
    const records: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) records.push(this.readRecord());
    return records;
  }

  /** Takes every record left on the topic and returns their values, in order. */
  readValuesToList(): V[] {
    return this.readRecordsToList().map((record) => record.value);
  }

  /** Takes every record left on the topic and returns their keys and values, in order. */
  readKeyValuesToList(): KeyValue<K, V>[] {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }));
  }

  /** The last value per key; a key whose last record is a tombstone maps to null. */
  readKeyValuesToMap(): Map<K, V> {
    const map = new Map<K, V>();
    for (const { key, value } of this.readRecordsToList()) {
      if (key === null || key === undefined) throw new Error(`readKeyValuesToMap needs keys, but topic ${this.topic} has a record with a null key`);
      map.set(key, value);
    }
    return map;
  }

  /** How many records are on the topic, not read yet, as Kafka's `TestOutputTopic.getQueueSize`. */
  getQueueSize(): number {
    return this.driver.queueSize(this.topic);
  }

  /** Whether every record written to the topic so far has been read. */
  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }
}
