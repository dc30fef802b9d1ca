import { InvalidStateStoreException } from '../errors.ts';
import type { KeyValue } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import { keyComparator } from './internal/key-order.ts';
import { storeKeyEncoder } from './internal/store-key.ts';
import type { EncodedKeyAccess } from './internal/encoded-key-access.ts';
import type { TimestampedKeyValueStore } from './timestamped-key-value-store.ts';
import type { StateStoreContext } from './state-store.ts';

/**
 * A key-value store held in a `Map`: the synchronous working set every store in this library
 * reads and writes per record. Values are kept as objects, not bytes, so a get costs no
 * deserialization; the serdes serve ordering, object keys and (later layers) persistence.
 */
export class InMemoryKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V>, EncodedKeyAccess<K, V> {
  readonly persistent = false;
  private readonly values = new Map<unknown, V>();
  /** Row timestamps, made at the first putWithTimestamp (stores of the DSL's tables use them). */
  private timestamps: Map<unknown, number> | undefined;
  /** Original keys, kept only for keys that had to be encoded (objects, Buffers). */
  private readonly encodedKeys = new Map<unknown, K>();
  private readonly encode: (key: K) => unknown;
  private readonly compare: (a: K, b: K) => number;
  private open = false;

  constructor(
    /** The store's name, as its builder gives it. */
    readonly name: string,
    /** Orders the keys by their serialized bytes and encodes object keys; without it, primitives keep their natural order. */
    readonly keySerde?: Serde<K>,
    /** Not used by the store itself: the layers that persist it (changelog, Keyv) serialize the values with it. */
    readonly valueSerde?: Serde<V>,
  ) {
    this.encode = storeKeyEncoder(keySerde, name);
    this.compare = keyComparator(keySerde, name);
  }

  /** Opens the store; until then, and after `close`, reads and writes throw InvalidStateStoreException. */
  init(_context: StateStoreContext): void {
    this.open = true;
  }

  get(key: K): V | undefined {
    this.assertOpen();
    return this.values.get(this.encode(key));
  }

  put(key: K, value: V | null): void {
    this.putKeyed(key, value);
  }

  putWithTimestamp(key: K, value: V | null, timestamp: number): void {
    this.putKeyedWithTimestamp(key, value, timestamp);
  }

  timestampOf(key: K): number | undefined {
    return this.timestamps?.get(this.encode(key));
  }

  /** The key as this store's `Map` holds it: primitives as they are, Buffers and objects as a string of their bytes. */
  encodeKey(key: K): unknown {
    return this.encode(key);
  }

  /** `get` by a key already passed through `encodeKey`. */
  getEncoded(encoded: unknown): V | undefined {
    this.assertOpen();
    return this.values.get(encoded);
  }

  /** The key whose `encodeKey` is `encoded`, while the store holds it. */
  keyOfEncoded(encoded: unknown): K {
    return this.encodedKeys.get(encoded) ?? (encoded as K);
  }

  /** `timestampOf` by a key already passed through `encodeKey`. */
  timestampOfEncoded(encoded: unknown): number | undefined {
    return this.timestamps?.get(encoded);
  }

  putEncodedWithTimestamp(key: K, encoded: unknown, value: V | null, timestamp: number): void {
    this.putKeyedWithTimestamp(key, value, timestamp, encoded);
  }

  /** `putWithTimestamp` that returns the key as this store's `Map` holds it (see putKeyed). */
  putKeyedWithTimestamp(key: K, value: V | null, timestamp: number, knownEncoding?: unknown): unknown {
    const encoded = this.putKeyed(key, value, false, knownEncoding);
    const timestamps = (this.timestamps ??= new Map());
    if (value === null || value === undefined) timestamps.delete(encoded);
    else timestamps.set(encoded, timestamp);
    return encoded;
  }

  /**
   * `put` that returns the key as this store's `Map` holds it, so that a wrapper tracking changed
   * keys need not encode it a second time (windowed keys are encoded by serializing them).
   */
  putKeyed(key: K, value: V | null, untimed = true, knownEncoding?: unknown): unknown {
    this.assertOpen();
    if (key === null || key === undefined) throw new InvalidStateStoreException(`Store ${this.name} cannot hold a null key`);
    const encoded = knownEncoding === undefined ? this.encode(key) : knownEncoding;
    // A put without a timestamp leaves the row's time unknown, not stale.
    if (untimed && this.timestamps !== undefined) this.timestamps.delete(encoded);
    if (value === null || value === undefined) {
      this.values.delete(encoded);
      this.encodedKeys.delete(encoded);
      return encoded;
    }
    this.values.set(encoded, value);
    if (encoded !== key) this.encodedKeys.set(encoded, key);
    return encoded;
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  /** Puts each entry in turn, as `put` does: a null value deletes its key. */
  putAll(entries: Iterable<KeyValue<K, V | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: K): V | undefined {
    const existing = this.get(key);
    if (existing !== undefined) this.put(key, null);
    return existing;
  }

  range(from: K, to: K): KeyValue<K, V>[] {
    return this.sortedEntries().filter((entry) => this.compare(entry.key, from) >= 0 && this.compare(entry.key, to) <= 0);
  }

  all(): KeyValue<K, V>[] {
    return this.sortedEntries();
  }

  /** How many keys the store holds (exactly). */
  approximateNumEntries(): number {
    this.assertOpen();
    return this.values.size;
  }

  flush(): void {
    // Nothing buffered: the Map is the store.
  }

  /** Closes the store; its entries stay in memory but cannot be read until `init` opens it again. */
  close(): void {
    this.open = false;
  }

  /** True between `init` and `close`. */
  isOpen(): boolean {
    return this.open;
  }

  private sortedEntries(): KeyValue<K, V>[] {
    this.assertOpen();
    const entries: KeyValue<K, V>[] = [];
    for (const [encoded, value] of this.values) {
      const key = this.encodedKeys.get(encoded) ?? (encoded as K);
      entries.push({ key, value });
    }
    return entries.sort((a, b) => this.compare(a.key, b.key));
  }

  private assertOpen(): void {
    if (!this.open) throw new InvalidStateStoreException(`Store ${this.name} is not open`);
  }
}
