import { InvalidStateStoreException } from '../errors.ts';
import type { KeyValue } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import type { BytesChange, BytesStore, StoreCheckpoint } from './bytes-store.ts';
import type { EncodedKeyAccess } from './internal/encoded-key-access.ts';
import { compareKeys } from './internal/byte-order.ts';
import type { StateStoreContext } from './state-store.ts';
import type { TimestampedKeyValueStore } from './timestamped-key-value-store.ts';

/** The row timestamp a stored value carries when none is known (a plain put, a restored record). */
const NO_TIMESTAMP = -1n;

/** A change not on disk yet: what every read sees before the bytes store. */
interface Unwritten<K, V> {
  readonly key: K;
  readonly keyBytes: Buffer;
  readonly value: V | null;
  readonly timestamp: number | undefined;
}

/** A change taken by `drainChanges`, serialized: a changelog record to send, and later a write to disk. */
export interface DrainedChange<K, V> {
  readonly key: K;
  readonly keyBytes: Buffer;
  /** The value's bytes, null for a delete: the changelog record's value. */
  readonly valueBytes: Buffer | null;
  /** The overlay entry drained, so that writing it forgets it only when no later put replaced it. */
  readonly change: Unwritten<K, V>;
}

/**
 * A key-value store on an ordered bytes store (LMDB on disk): the state is the bytes store's,
 * the heap holds only the changes not written to it yet. Changes may reach disk only once their
 * changelog records are acknowledged (or their transaction committed), in one write with the
 * changelog offset they reach, so that the checkpoint never claims more than the changelog has;
 * until then they wait in an overlay that every read consults first.
 *
 * On disk a value is its row timestamp (8 bytes, big-endian, -1 when unknown) followed by the
 * value's serialized bytes; keys are the key's serialized bytes, so ranges are the bytes store's
 * ranges and never a sort of the store.
 */
export class PersistentKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V>, EncodedKeyAccess<K, V> {
  readonly persistent = true;
  private bytes: BytesStore | undefined;
  /** Changes not on disk, by the latin1 string of the key's bytes. */
  private readonly unwritten = new Map<string, Unwritten<K, V>>();
  /** Keys of `unwritten` changed since the last drain. */
  private dirty = new Set<string>();
  private open = false;

  constructor(
    readonly name: string,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    /** The topic the serdes are told (the changelog's), as for the changelog records. */
    private readonly serdeTopic: string,
  ) {}

  /** Puts the store on its bytes store; until then it reads as empty. A task attaches it once its directory is locked. */
  attach(bytes: BytesStore): void {
    this.bytes = bytes;
  }

  /** The bytes store under this one, once attached. */
  get bytesStore(): BytesStore | undefined {
    return this.bytes;
  }

  init(_context: StateStoreContext): void {
    this.open = true;
  }

  get(key: K): V | undefined {
    return this.getEncoded(this.encodeKey(key));
  }

  put(key: K, value: V | null): void {
    this.putEncoded(key, this.encodeKey(key), value, undefined);
  }

  putWithTimestamp(key: K, value: V | null, timestamp: number): void {
    this.putEncoded(key, this.encodeKey(key), value, timestamp);
  }

  timestampOf(key: K): number | undefined {
    return this.timestampOfEncoded(this.encodeKey(key));
  }

  /** The latin1 string of the key's serialized bytes. */
  encodeKey(key: K): string {
    if (key === null || key === undefined) throw new InvalidStateStoreException(`Store ${this.name} cannot hold a null key`);
    const bytes = this.keySerde.serialize(this.serdeTopic, key);
    if (bytes === null) throw new InvalidStateStoreException(`Store ${this.name}: the key serde turned a key into null bytes`);
    return bytes.toString('latin1');
  }

  getEncoded(encoded: unknown): V | undefined {
    this.assertOpen();
    const change = this.unwritten.get(encoded as string);
    if (change !== undefined) return change.value ?? undefined;
    const stored = this.bytes?.get(Buffer.from(encoded as string, 'latin1'));
    return stored === undefined ? undefined : this.decodeValue(stored);
  }

  timestampOfEncoded(encoded: unknown): number | undefined {
    this.assertOpen();
    const change = this.unwritten.get(encoded as string);
    if (change !== undefined) return change.value === null ? undefined : change.timestamp;
    const stored = this.bytes?.get(Buffer.from(encoded as string, 'latin1'));
    if (stored === undefined) return undefined;
    const timestamp = stored.readBigInt64BE(0);
    return timestamp === NO_TIMESTAMP ? undefined : Number(timestamp);
  }

  putEncodedWithTimestamp(key: K, encoded: unknown, value: V | null, timestamp: number): void {
    this.putEncoded(key, encoded as string, value, timestamp);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  putAll(entries: Iterable<KeyValue<K, V | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: K): V | undefined {
    const existing = this.get(key);
    if (existing !== undefined) this.put(key, null);
    return existing;
  }

  range(from: K, to: K): KeyValue<K, V>[] {
    return this.merged(Buffer.from(this.encodeKey(from), 'latin1'), Buffer.from(this.encodeKey(to), 'latin1'));
  }

  all(): KeyValue<K, V>[] {
    return this.merged(undefined, undefined);
  }

  approximateNumEntries(): number {
    this.assertOpen();
    let count = this.bytes?.approximateNumEntries() ?? 0;
    for (const change of this.unwritten.values()) {
      const onDisk = this.bytes?.get(change.keyBytes) !== undefined;
      if (change.value === null) count -= onDisk ? 1 : 0;
      else count += onDisk ? 0 : 1;
    }
    return count;
  }

  /** How many changes wait in the heap for their write to disk. */
  unwrittenCount(): number {
    return this.unwritten.size;
  }

  /** The keys changed since the last drain, each with its latest value serialized; they stay readable until `written`. */
  drainChanges(): DrainedChange<K, V>[] {
    if (this.dirty.size === 0) return [];
    const drained: DrainedChange<K, V>[] = [];
    for (const encoded of this.dirty) {
      const change = this.unwritten.get(encoded)!;
      const valueBytes = change.value === null ? null : this.valueSerde.serialize(this.serdeTopic, change.value);
      drained.push({ key: change.key, keyBytes: change.keyBytes, valueBytes, change });
    }
    this.dirty = new Set();
    return drained;
  }

  /** The bytes-store change that writes a drained change to disk. */
  static diskChange(drained: DrainedChange<unknown, unknown>): BytesChange {
    return { key: drained.keyBytes, value: drained.valueBytes === null ? null : storedValue(drained.change.timestamp, drained.valueBytes) };
  }

  /** The bytes-store change of a changelog record being restored (its row timestamp unknown, as a restored in-heap store has it). */
  static restoredChange(key: Buffer, value: Buffer | null): BytesChange {
    return { key, value: value === null ? null : storedValue(undefined, value) };
  }

  /**
   * Writes drained changes (and other bytes-store changes, restored records) with the checkpoint
   * they reach, in one write, then forgets the drained changes no later put replaced.
   */
  writeDrained(drained: readonly DrainedChange<K, V>[], extra: readonly BytesChange[], checkpoint: StoreCheckpoint): void {
    const bytes = this.attached();
    const batch = extra.length === 0 ? drained.map(PersistentKeyValueStore.diskChange) : [...extra, ...drained.map(PersistentKeyValueStore.diskChange)];
    bytes.write(batch, checkpoint);
    for (const { keyBytes, change } of drained) {
      const encoded = keyBytes.toString('latin1');
      if (this.unwritten.get(encoded) === change && !this.dirty.has(encoded)) this.unwritten.delete(encoded);
    }
  }

  /** A restored record replaces whatever the heap still held for its key (a standby holds nothing). */
  forgetUnwritten(keyBytes: Buffer): void {
    if (this.unwritten.size === 0) return;
    const encoded = keyBytes.toString('latin1');
    this.unwritten.delete(encoded);
    this.dirty.delete(encoded);
  }

  flush(): void {
    // Writes follow the changelog: the task's stores write at the commit, once it is acknowledged.
  }

  close(): void {
    this.open = false;
  }

  isOpen(): boolean {
    return this.open;
  }

  private putEncoded(key: K, encoded: string, value: V | null, timestamp: number | undefined): void {
    this.assertOpen();
    if (key === null || key === undefined) throw new InvalidStateStoreException(`Store ${this.name} cannot hold a null key`);
    const keyBytes = this.unwritten.get(encoded)?.keyBytes ?? Buffer.from(encoded, 'latin1');
    this.unwritten.set(encoded, { key, keyBytes, value: value ?? null, timestamp });
    this.dirty.add(encoded);
  }

  /** The bytes store's range, with the unwritten changes in it merged over it, in key order. */
  private merged(from: Buffer | undefined, to: Buffer | undefined): KeyValue<K, V>[] {
    this.assertOpen();
    if (from !== undefined && to !== undefined && compareKeys(from, to) > 0) return [];
    const changes = [...this.unwritten.values()]
      .filter((c) => (from === undefined || compareKeys(c.keyBytes, from) >= 0) && (to === undefined || compareKeys(c.keyBytes, to) <= 0))
      .sort((a, b) => compareKeys(a.keyBytes, b.keyBytes));
    const result: KeyValue<K, V>[] = [];
    let next = 0;
    const stored = this.bytes?.range(from, to);
    try {
      for (const entry of stored ?? []) {
        while (next < changes.length && compareKeys(changes[next]!.keyBytes, entry.key) < 0) this.pushChange(result, changes[next++]!);
        if (next < changes.length && compareKeys(changes[next]!.keyBytes, entry.key) === 0) {
          this.pushChange(result, changes[next++]!);
          continue;
        }
        result.push({ key: this.keySerde.deserialize(this.serdeTopic, entry.key), value: this.decodeValue(entry.value) });
      }
    } finally {
      stored?.close();
    }
    while (next < changes.length) this.pushChange(result, changes[next++]!);
    return result;
  }

  private pushChange(result: KeyValue<K, V>[], change: Unwritten<K, V>): void {
    if (change.value !== null) result.push({ key: change.key, value: change.value });
  }

  private decodeValue(stored: Buffer): V {
    return this.valueSerde.deserialize(this.serdeTopic, stored.subarray(8));
  }

  private attached(): BytesStore {
    if (this.bytes === undefined) throw new InvalidStateStoreException(`Store ${this.name} has no bytes store to write to yet`);
    return this.bytes;
  }

  private assertOpen(): void {
    if (!this.open) throw new InvalidStateStoreException(`Store ${this.name} is not open`);
  }
}

/** A value as the bytes store keeps it: row timestamp, then the value's bytes. */
function storedValue(timestamp: number | undefined, value: Buffer): Buffer {
  const stored = Buffer.allocUnsafe(8 + value.length);
  stored.writeBigInt64BE(timestamp === undefined ? NO_TIMESTAMP : BigInt(timestamp), 0);
  value.copy(stored, 8);
  return stored;
}
