import type { KeyValue } from '../processor/record.ts';
import type { StateStore } from './state-store.ts';

/** Reads of a key-value store: what interactive queries and test drivers see. */
export interface ReadOnlyKeyValueStore<K, V> {
  /** The value for the key, or undefined when the key is absent. */
  get(key: K): V | undefined;
  /** Entries with `from <= key <= to` in the order of the keys' serialized bytes. */
  range(from: K, to: K): KeyValue<K, V>[];
  /** Every entry, in the order of the keys' serialized bytes. */
  all(): KeyValue<K, V>[];
  /** The number of keys the store holds; the stores this library builds count them exactly. */
  approximateNumEntries(): number;
}

/** A key-value state store; all calls are synchronous, so processors never wait on I/O. */
export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  /** Stores the value; a null value deletes the key, as in Kafka Streams. */
  put(key: K, value: V | null): void;
  /** Stores the value only when the key is absent, and returns the value already there. */
  putIfAbsent(key: K, value: V): V | undefined;
  /** Puts each entry in turn, as `put` does: a null value deletes its key. */
  putAll(entries: Iterable<KeyValue<K, V | null>>): void;
  /** Removes the key and returns the value it had. */
  delete(key: K): V | undefined;
}

export function isKeyValueStore(store: StateStore): store is KeyValueStore<unknown, unknown> {
  const candidate = store as Partial<KeyValueStore<unknown, unknown>>;
  return typeof candidate.get === 'function' && typeof candidate.put === 'function' && typeof candidate.range === 'function';
}
