import type { KeyValue } from '../processor/record.ts';
import type { TimestampedKeyValueStore } from './timestamped-key-value-store.ts';
import type { StateStoreContext } from './state-store.ts';
import type { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
import type { EncodedKeyAccess } from './internal/encoded-key-access.ts';

/**
 * Remembers which keys changed since the last drain, so that a commit can write each changed
 * key once (to the changelog topic and to the store's Keyv backend) with its latest value.
 * Restoration writes go to the inner store directly and are not tracked.
 */
export class ChangeTrackingKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V>, EncodedKeyAccess<K, V> {
  /** Changed keys by the inner store's encoding of them (which tells equal keys apart). */
  private dirty = new Map<unknown, K>();

  constructor(readonly inner: InMemoryKeyValueStore<K, V>) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return true;
  }

  init(context: StateStoreContext): void {
    this.inner.init(context);
  }

  get(key: K): V | undefined {
    return this.inner.get(key);
  }

  put(key: K, value: V | null): void {
    this.dirty.set(this.inner.putKeyed(key, value), key);
  }

  putWithTimestamp(key: K, value: V | null, timestamp: number): void {
    this.dirty.set(this.inner.putKeyedWithTimestamp(key, value, timestamp), key);
  }

  timestampOf(key: K): number | undefined {
    return this.inner.timestampOf(key);
  }

  encodeKey(key: K): unknown {
    return this.inner.encodeKey(key);
  }

  getEncoded(encoded: unknown): V | undefined {
    return this.inner.getEncoded(encoded);
  }

  timestampOfEncoded(encoded: unknown): number | undefined {
    return this.inner.timestampOfEncoded(encoded);
  }

  putEncodedWithTimestamp(key: K, encoded: unknown, value: V | null, timestamp: number): void {
    this.dirty.set(this.inner.putKeyedWithTimestamp(key, value, timestamp, encoded), key);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const existing = this.inner.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  putAll(entries: Iterable<KeyValue<K, V | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: K): V | undefined {
    const existing = this.inner.get(key);
    if (existing !== undefined) this.put(key, null);
    return existing;
  }

  range(from: K, to: K): KeyValue<K, V>[] {
    return this.inner.range(from, to);
  }

  all(): KeyValue<K, V>[] {
    return this.inner.all();
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  /** The keys changed since the last drain, each with its value now (null: deleted). */
  drainChanges(): KeyValue<K, V | null>[] {
    if (this.dirty.size === 0) return [];
    const changes: KeyValue<K, V | null>[] = [];
    for (const key of this.dirty.values()) changes.push({ key, value: this.inner.get(key) ?? null });
    this.dirty = new Map();
    return changes;
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }
}
