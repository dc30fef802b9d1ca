import { readInt64BE, writeInt64BE } from '../../serdes/internal/int64.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';

/** A buffered record of one side of a stream-stream join: its key, time and a sequence number. */
export interface JoinBufferKey<K> {
  readonly key: K;
  readonly timestamp: number;
  readonly seq: number;
}

/** The buffered value, and whether it has joined yet (left and outer joins emit the others at expiry). */
export interface JoinBufferEntry<V> {
  readonly value: V;
  readonly joined: boolean;
}

interface Indexed<K, V> {
  readonly storeKey: JoinBufferKey<K>;
  entry: JoinBufferEntry<V>;
}

/**
 * One side's records of a stream-stream join, kept in a key-value store (so they are changelogged
 * and restored like any store) with in-memory indexes, rebuilt from the store at first use: by key
 * and time for the lookups each record of the other side makes, and one timeline for closing
 * windows and expiring records in time order without scanning the buffer per record.
 */
export class JoinBuffer<K, V> {
  private readonly byKey = new Map<unknown, Indexed<K, V>[]>();
  /** Every buffered record in time order; `timeline[head..]` are still in the buffer. */
  private timeline: Indexed<K, V>[] = [];
  private head = 0;
  /** `timeline[head..closedUpTo)` had their window closed already. */
  private closedUpTo = 0;
  private readonly encode: (key: K) => unknown;
  private indexed = false;
  private seq = 0;

  constructor(
    private readonly store: KeyValueStore<JoinBufferKey<K>, JoinBufferEntry<V>>,
    keySerde: Serde<K> | undefined,
  ) {
    this.encode = storeKeyEncoder(keySerde, 'join-buffer');
  }

  add(key: K, timestamp: number, value: V, joined: boolean): Indexed<K, V> {
    this.ensureIndex();
    const item: Indexed<K, V> = { storeKey: { key, timestamp, seq: this.seq++ }, entry: { value, joined } };
    this.store.put(item.storeKey, item.entry);
    this.insert(item);
    return item;
  }

  /** The buffered records of `key` with a timestamp in `[from, to]`, oldest first. */
  fetch(key: K, from: number, to: number): Indexed<K, V>[] {
    this.ensureIndex();
    return (this.byKey.get(this.encode(key)) ?? []).filter((item) => item.storeKey.timestamp >= from && item.storeKey.timestamp <= to);
  }

  markJoined(item: Indexed<K, V>): void {
    if (item.entry.joined) return;
    item.entry = { value: item.entry.value, joined: true };
    this.store.put(item.storeKey, item.entry);
  }

  /**
   * Returns, oldest first, the records not joined yet whose window closed (`closed(timestamp)`),
   * marking them so that they are returned once: a left or outer join emits them with null.
   * Records that arrive later are never older than these (older ones are dropped as late).
   */
  takeUnjoined(closed: (timestamp: number) => boolean): Indexed<K, V>[] {
    this.ensureIndex();
    const due: Indexed<K, V>[] = [];
    this.closedUpTo = Math.max(this.closedUpTo, this.head);
    for (; this.closedUpTo < this.timeline.length && closed(this.timeline[this.closedUpTo]!.storeKey.timestamp); this.closedUpTo++) {
      const item = this.timeline[this.closedUpTo]!;
      if (item.entry.joined) continue;
      this.markJoined(item);
      due.push(item);
    }
    return due;
  }

  /** Removes the oldest records while `expired(timestamp)` holds. */
  expire(expired: (timestamp: number) => boolean): void {
    this.ensureIndex();
    while (this.head < this.timeline.length && expired(this.timeline[this.head]!.storeKey.timestamp)) {
      const item = this.timeline[this.head++]!;
      const encoded = this.encode(item.storeKey.key);
      const items = this.byKey.get(encoded)!;
      items.splice(items.indexOf(item), 1);
      if (items.length === 0) this.byKey.delete(encoded);
      this.store.delete(item.storeKey);
    }
    if (this.head > 1024 && this.head * 2 > this.timeline.length) {
      this.timeline = this.timeline.slice(this.head);
      this.closedUpTo -= this.head;
      this.head = 0;
    }
  }

  private insert(item: Indexed<K, V>): void {
    const encoded = this.encode(item.storeKey.key);
    const items = this.byKey.get(encoded) ?? [];
    insertByTime(items, item, 0);
    this.byKey.set(encoded, items);
    insertByTime(this.timeline, item, this.head);
  }

  private ensureIndex(): void {
    if (this.indexed) return;
    this.indexed = true;
    for (const { key, value } of this.store.all()) {
      this.insert({ storeKey: key, entry: value });
      this.seq = Math.max(this.seq, key.seq + 1);
    }
  }
}

/** Inserts keeping time order; records mostly arrive in order, so the search starts at the end. */
function insertByTime<T extends { storeKey: { timestamp: number } }>(items: T[], item: T, floor: number): void {
  let i = items.length;
  while (i > floor && items[i - 1]!.storeKey.timestamp > item.storeKey.timestamp) i--;
  items.splice(i, 0, item);
}

/** A join buffer key as bytes: the key's bytes, then the timestamp (8 bytes) and sequence number (4 bytes). */
export class JoinBufferKeySerde<K> implements Serde<JoinBufferKey<K>> {
  constructor(private readonly inner: Serde<K>) {}

  serialize(topic: string, data: JoinBufferKey<K> | null): Buffer | null {
    if (data === null) return null;
    const key = this.inner.serialize(topic, data.key) ?? Buffer.alloc(0);
    const bytes = Buffer.allocUnsafe(key.length + 12);
    key.copy(bytes, 0);
    writeInt64BE(bytes, data.timestamp, key.length, 'A join buffer timestamp');
    bytes.writeUInt32BE(data.seq >>> 0, key.length + 8);
    return bytes;
  }

  deserialize(topic: string, data: Buffer | null): JoinBufferKey<K> {
    if (data === null) return null as unknown as JoinBufferKey<K>;
    const end = data.length - 12;
    return { key: this.inner.deserialize(topic, data.subarray(0, end)), timestamp: readInt64BE(data, end), seq: data.readUInt32BE(end + 8) };
  }
}

/** A join buffer entry as bytes: 1 byte joined flag, then the value's bytes. */
export class JoinBufferEntrySerde<V> implements Serde<JoinBufferEntry<V>> {
  constructor(private readonly inner: Serde<V>) {}

  serialize(topic: string, data: JoinBufferEntry<V> | null): Buffer | null {
    if (data === null) return null;
    const value = this.inner.serialize(topic, data.value) ?? Buffer.alloc(0);
    return Buffer.concat([Buffer.from([data.joined ? 1 : 0]), value]);
  }

  deserialize(topic: string, data: Buffer | null): JoinBufferEntry<V> {
    if (data === null) return null as unknown as JoinBufferEntry<V>;
    return { joined: data[0] === 1, value: this.inner.deserialize(topic, data.subarray(1)) };
  }
}
