import type { KeyValue } from '../processor/record.ts';
import type { TimestampedKeyValueStore } from './timestamped-key-value-store.ts';
import type { StateStoreContext } from './state-store.ts';
import type { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
import type { EncodedKeyAccess } from './internal/encoded-key-access.ts';

/**
 * Remembers which keys changed since the last drain, so that a commit can write each changed
 * key once (to the changelog topic and to the store's Keyv backend) with its latest value.
 * Restoration writes go to the inner store directly and are not tracked as changes; `restore`
 * remembers only which keys the Keyv backend still lacks (see takeRestored).
 */
export class ChangeTrackingKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V>, EncodedKeyAccess<K, V> {
  /** Changed keys by the inner store's encoding of them (which tells equal keys apart). */
  private dirty = new Map<unknown, K>();
  /**
   * Restored keys not yet taken for Keyv, by encoding: their values are read from the store when
   * taken, so a restored record costs a Set entry here instead of a copy of its bytes. The keys
   * of restored deletes are kept apart (the store no longer holds them).
   */
  private unwritten = new Set<unknown>();
  private unwrittenDeletes = new Map<unknown, K>();
  /**
   * The restored value of an unwritten key that processing changed since: what the changelog
   * holds for it as of the restore, unlike the store's value, which may not be acknowledged yet.
   */
  private snapshots = new Map<unknown, KeyValue<K, V | null>>();

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
    if (this.unwritten.size > 0) this.snapshot(key, this.inner.encodeKey(key));
    this.dirty.set(this.inner.putKeyed(key, value), key);
  }

  putWithTimestamp(key: K, value: V | null, timestamp: number): void {
    if (this.unwritten.size > 0) this.snapshot(key, this.inner.encodeKey(key));
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
    if (this.unwritten.size > 0) this.snapshot(key, encoded);
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

  /** Applies a restored (changelog) record: not a change to log, but one the Keyv backend lacks until takeRestored. */
  restore(key: K, value: V | null): void {
    const encoded = this.inner.putKeyed(key, value);
    this.unwritten.add(encoded);
    if (this.snapshots.size > 0) this.snapshots.delete(encoded);
    if (value === null || value === undefined) this.unwrittenDeletes.set(encoded, key);
    else if (this.unwrittenDeletes.size > 0) this.unwrittenDeletes.delete(encoded);
  }

  /** How many restored keys takeRestored has still to give. */
  restoredCount(): number {
    return this.unwritten.size + this.snapshots.size;
  }

  /**
   * Takes up to `max` restored keys, each with its value as restored (null: deleted), and forgets
   * them: taken in chunks, the rest stays tracked (and protected from processing) until taken.
   */
  takeRestored(max: number): KeyValue<K, V | null>[] {
    const taken: KeyValue<K, V | null>[] = [];
    for (const [encoded, entry] of this.snapshots) {
      if (taken.length >= max) return taken;
      taken.push(entry);
      this.snapshots.delete(encoded);
    }
    for (const encoded of this.unwritten) {
      if (taken.length >= max) break;
      this.unwritten.delete(encoded);
      const deleted = this.unwrittenDeletes.size > 0 ? this.unwrittenDeletes.get(encoded) : undefined;
      if (deleted !== undefined) {
        this.unwrittenDeletes.delete(encoded);
        taken.push({ key: deleted, value: null });
      } else {
        taken.push({ key: this.inner.keyOfEncoded(encoded), value: this.inner.getEncoded(encoded) ?? null });
      }
    }
    return taken;
  }

  /** Forgets the restored keys (a backend written whole gets them all); returns the keys restored as deleted and still absent. */
  forgetRestored(): K[] {
    const deleted = [...this.unwrittenDeletes.values(), ...[...this.snapshots.values()].filter((e) => e.value === null).map((e) => e.key)];
    this.unwritten = new Set();
    this.unwrittenDeletes = new Map();
    this.snapshots = new Map();
    return deleted.filter((key) => this.inner.get(key) === undefined);
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

  /** Processing is about to change `encoded`: if the backend still lacks its restored value, that value is kept first. */
  private snapshot(key: K, encoded: unknown): void {
    if (!this.unwritten.delete(encoded)) return;
    const deleted = this.unwrittenDeletes.size > 0 && this.unwrittenDeletes.delete(encoded);
    this.snapshots.set(encoded, { key, value: deleted ? null : (this.inner.getEncoded(encoded) ?? null) });
  }
}
