import type { KeyValue } from '../processor/record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { timestampedStore } from '../state/timestamped-key-value-store.ts';
import type { StateStoreContext } from '../state/state-store.ts';
import type { StoreSensors } from './state-store-metrics.ts';

/** Nanoseconds since an arbitrary origin, as Kafka's store latencies are measured. */
const nowNs = (): number => performance.now() * 1e6;

/**
 * A key-value store whose calls are counted and timed (Kafka's MeteredKeyValueStore), put in
 * front of a task's store only at recording level DEBUG: at INFO the task holds the store itself.
 */
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V> {
  constructor(
    readonly inner: KeyValueStore<K, V>,
    private readonly sensors: StoreSensors,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StateStoreContext): void {
    this.inner.init(context);
  }

  get(key: K): V | undefined {
    const start = nowNs();
    try {
      return this.inner.get(key);
    } finally {
      this.sensors.get.record(nowNs() - start);
    }
  }

  put(key: K, value: V | null): void {
    const start = nowNs();
    try {
      this.inner.put(key, value);
    } finally {
      this.sensors.put.record(nowNs() - start);
    }
  }

  /** Row timestamps pass through to the store (see TimestampedKeyValueStore); timed as a put. */
  putWithTimestamp(key: K, value: V | null, timestamp: number): void {
    const start = nowNs();
    try {
      timestampedStore(this.inner).putWithTimestamp(key, value, timestamp);
    } finally {
      this.sensors.put.record(nowNs() - start);
    }
  }

  timestampOf(key: K): number | undefined {
    return timestampedStore(this.inner).timestampOf(key);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const start = nowNs();
    try {
      return this.inner.putIfAbsent(key, value);
    } finally {
      this.sensors.putIfAbsent.record(nowNs() - start);
    }
  }

  putAll(entries: Iterable<KeyValue<K, V | null>>): void {
    const start = nowNs();
    try {
      this.inner.putAll(entries);
    } finally {
      this.sensors.putAll.record(nowNs() - start);
    }
  }

  delete(key: K): V | undefined {
    const start = nowNs();
    try {
      return this.inner.delete(key);
    } finally {
      this.sensors.delete.record(nowNs() - start);
    }
  }

  range(from: K, to: K): KeyValue<K, V>[] {
    const start = nowNs();
    try {
      return this.inner.range(from, to);
    } finally {
      this.sensors.range.record(nowNs() - start);
    }
  }

  all(): KeyValue<K, V>[] {
    const start = nowNs();
    try {
      return this.inner.all();
    } finally {
      this.sensors.all.record(nowNs() - start);
    }
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  flush(): void {
    const start = nowNs();
    try {
      this.inner.flush();
    } finally {
      this.sensors.flush.record(nowNs() - start);
    }
  }

  close(): void {
    this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }
}
