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

/**
 * The buffered value, and whether it is settled: a record of a left or outer join's outer side
 * that found no partner waits, unsettled, to be emitted with null (Kafka's outer-join store).
 */
export interface JoinBufferEntry<V> {
  readonly value: V;
  readonly joined: boolean;
}

export interface JoinBufferItem<K, V> {
  readonly storeKey: JoinBufferKey<K>;
  entry: JoinBufferEntry<V>;
  /** Past retention: no lookup sees it; its store entry stays only while it waits unsettled. */
  retired?: boolean;
}

/**
 * One side's records of a stream-stream join (Kafka's join window store), kept in a key-value
 * store (so they are changelogged and restored like any store) with in-memory indexes rebuilt
 * from the store at first use: by key and time for the lookups each record of the other side
 * makes, and one timeline to retire records in time order without scanning the buffer per record.
 * As Kafka's segmented window store, it has observed the latest timestamp written to it, and a
 * lookup sees only records within the retention of it.
 */
export class JoinBuffer<K, V> {
  private readonly byKey = new Map<unknown, JoinBufferItem<K, V>[]>();
  /** Every buffered record in time order; `timeline[head..]` are not retired yet. */
  private timeline: JoinBufferItem<K, V>[] = [];
  private head = 0;
  private readonly encode: (key: K) => unknown;
  private indexed = false;
  private seq = 0;
  /** The latest timestamp written (the store's observed stream time). */
  observed = -Infinity;

  constructor(
    private readonly store: KeyValueStore<JoinBufferKey<K>, JoinBufferEntry<V>>,
    keySerde: Serde<K> | undefined,
    private readonly retentionMs: number,
  ) {
    this.encode = storeKeyEncoder(keySerde, 'join-buffer');
  }

  /** The earliest timestamp a lookup still sees. */
  get visibleFrom(): number {
    return this.observed - this.retentionMs + 1;
  }

  add(key: K, timestamp: number, value: V, joined: boolean): JoinBufferItem<K, V> {
    this.ensureIndex();
    const item: JoinBufferItem<K, V> = { storeKey: { key, timestamp, seq: this.seq++ }, entry: { value, joined } };
    this.store.put(item.storeKey, item.entry);
    this.insert(item);
    this.observed = Math.max(this.observed, timestamp);
    return item;
  }

  /** The buffered records of `key` with a timestamp in `[from, to]` and within retention, oldest first. */
  fetch(key: K, from: number, to: number): JoinBufferItem<K, V>[] {
    this.ensureIndex();
    const low = Math.max(from, this.visibleFrom);
    return (this.byKey.get(this.encode(key)) ?? []).filter((item) => item.storeKey.timestamp >= low && item.storeKey.timestamp <= to);
  }

  /** Every record still waiting unsettled (restored ones included), for the outer-join candidates. */
  unsettled(): JoinBufferItem<K, V>[] {
    this.ensureIndex();
    const waiting: JoinBufferItem<K, V>[] = [];
    for (const { key, value } of this.store.all()) {
      if (value.joined) continue;
      const item = this.find(key);
      if (item !== undefined) waiting.push(item);
    }
    return waiting;
  }

  /** The record joined or was emitted with null: it waits no more. */
  settle(item: JoinBufferItem<K, V>): void {
    if (item.entry.joined) return;
    item.entry = { value: item.entry.value, joined: true };
    if (item.retired) this.store.delete(item.storeKey);
    else this.store.put(item.storeKey, item.entry);
  }

  /** Retires the records past retention: lookups no longer see them, and settled ones leave the store. */
  expire(): void {
    this.ensureIndex();
    const bound = this.visibleFrom;
    while (this.head < this.timeline.length && this.timeline[this.head]!.storeKey.timestamp < bound) {
      const item = this.timeline[this.head++]!;
      const encoded = this.encode(item.storeKey.key);
      const items = this.byKey.get(encoded)!;
      items.splice(items.indexOf(item), 1);
      if (items.length === 0) this.byKey.delete(encoded);
      item.retired = true;
      if (item.entry.joined) this.store.delete(item.storeKey);
    }
    if (this.head > 1024 && this.head * 2 > this.timeline.length) {
      this.timeline = this.timeline.slice(this.head);
      this.head = 0;
    }
  }

  private find(storeKey: JoinBufferKey<K>): JoinBufferItem<K, V> | undefined {
    return (this.byKey.get(this.encode(storeKey.key)) ?? []).find(
      (item) => item.storeKey.seq === storeKey.seq && item.storeKey.timestamp === storeKey.timestamp,
    );
  }

  private insert(item: JoinBufferItem<K, V>): void {
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
      this.observed = Math.max(this.observed, key.timestamp);
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
