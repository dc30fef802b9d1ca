import type { KeyValueStore } from './key-value-store.ts';

/**
 * A key-value store that also keeps, per key, the timestamp of the row, as Kafka Streams'
 * `TimestampedKeyValueStore` does for every DSL table and aggregation: an aggregate is stamped
 * with the latest timestamp folded into it, and a table-table join result with the later of its
 * two rows' timestamps. Values stay plain (reads by users and interactive queries see `V`).
 */
export interface TimestampedKeyValueStore<K, V> extends KeyValueStore<K, V> {
  /** Stores the value with its row timestamp; a null value deletes both. */
  putWithTimestamp(key: K, value: V | null, timestamp: number): void;
  /** The row timestamp of the key, or undefined when the key is absent or was put without one. */
  timestampOf(key: K): number | undefined;
}

function isTimestamped<K, V>(store: KeyValueStore<K, V>): store is TimestampedKeyValueStore<K, V> {
  const candidate = store as Partial<TimestampedKeyValueStore<K, V>>;
  return typeof candidate.putWithTimestamp === 'function' && typeof candidate.timestampOf === 'function';
}

/**
 * The store as a timestamped store: itself when it keeps timestamps (every store this library
 * builds does), else a view whose timestamps are unknown, so that callers fall back to the
 * record's timestamp. Resolve it once per node, not per record.
 */
export function timestampedStore<K, V>(store: KeyValueStore<K, V>): TimestampedKeyValueStore<K, V> {
  if (isTimestamped(store)) return store;
  // A wrapper that does not pass timestamps on (a metering one, say) must not change results:
  // timestamps go to the store it wraps.
  const inner = (store as { inner?: KeyValueStore<K, V> }).inner;
  if (inner !== undefined && isTimestamped(inner)) return new UntimedStoreView(store, inner);
  return new UntimedStoreView(store);
}

/**
 * A store that keeps no row timestamps itself (a Processor API store of the user's making, or a
 * wrapper of one that does, `timed`).
 */
class UntimedStoreView<K, V> implements TimestampedKeyValueStore<K, V> {
  constructor(
    private readonly store: KeyValueStore<K, V>,
    private readonly timed?: TimestampedKeyValueStore<K, V>,
  ) {}
  get name(): string {
    return this.store.name;
  }
  get persistent(): boolean {
    return this.store.persistent;
  }
  init(context: Parameters<KeyValueStore<K, V>['init']>[0]): void {
    this.store.init(context);
  }
  get(key: K): V | undefined {
    return this.store.get(key);
  }
  put(key: K, value: V | null): void {
    this.store.put(key, value);
  }
  putWithTimestamp(key: K, value: V | null, timestamp: number): void {
    if (this.timed) this.timed.putWithTimestamp(key, value, timestamp);
    else this.store.put(key, value);
  }
  timestampOf(key: K): number | undefined {
    return this.timed?.timestampOf(key);
  }
  putIfAbsent(key: K, value: V): V | undefined {
    return this.store.putIfAbsent(key, value);
  }
  putAll(entries: Parameters<KeyValueStore<K, V>['putAll']>[0]): void {
    this.store.putAll(entries);
  }
  delete(key: K): V | undefined {
    return this.store.delete(key);
  }
  range(from: K, to: K): ReturnType<KeyValueStore<K, V>['range']> {
    return this.store.range(from, to);
  }
  all(): ReturnType<KeyValueStore<K, V>['all']> {
    return this.store.all();
  }
  approximateNumEntries(): number {
    return this.store.approximateNumEntries();
  }
  flush(): void {
    this.store.flush();
  }
  close(): void {
    this.store.close();
  }
  isOpen(): boolean {
    return this.store.isOpen();
  }
}
