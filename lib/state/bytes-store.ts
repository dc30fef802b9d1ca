import type { KeyValue } from '../processor/record.ts';

/**
 * The ordered store of bytes under every state store, as RocksDB is under Kafka Streams' stores:
 * the layers above (metered, caching, change-logging) serialize, this one keeps bytes in order.
 * Synchronous throughout, because a task processes a batch of records without awaiting per record.
 *
 * Keys and values are Buffers; keys are ordered by their unsigned bytes, a key before every longer
 * key it is a prefix of (Kafka's `Bytes` order, RocksDB's default comparator), so that a key layout
 * such as `[key][window start]` turns every lookup of the DSL into a range scan.
 *
 * The interface names no engine: the in-heap one (`InHeapBytesStore`) and LMDB
 * (`LmdbBytesStore`) implement it, and a node:sqlite or RocksDB engine could without a change here.
 */
export interface BytesStore {
  /** True when what `write` stored, checkpoint included, outlives the process: a restart can skip the changelog up to `checkpoint()`. */
  readonly persistent: boolean;

  /**
   * The value stored for `key`, or undefined. The Buffer may share memory with the store or its
   * snapshots: read it, never write to it.
   */
  get(key: Buffer): Buffer | undefined;

  /**
   * Entries with `from <= key <= to` in key order, both bounds inclusive as Kafka's
   * `KeyValueStore.range`; an undefined bound leaves that end open. An empty iterator when `from`
   * is after `to` (Kafka returns none too, rather than throwing).
   */
  range(from?: Buffer, to?: Buffer): BytesIterator;

  /** The entries `range(from, to)` returns, from the last to the first (Kafka's `reverseRange`). */
  reverseRange(from?: Buffer, to?: Buffer): BytesIterator;

  /** Entries whose key starts with `prefix`, in key order; an empty prefix matches every key. */
  prefixScan(prefix: Buffer): BytesIterator;

  /**
   * Applies the batch and, when given, replaces the checkpoint, all or nothing: a crash leaves the
   * store with the batch and its checkpoint or with neither, so the checkpoint never claims changes
   * the store lacks. Entries apply in order (the last change of a key wins); a null value deletes.
   * The store copies what it keeps, so the caller may reuse the Buffers. On a persistent engine the
   * batch is on disk when `write` returns.
   */
  write(batch: readonly BytesChange[], checkpoint?: StoreCheckpoint): void;

  /** The checkpoint of the last `write` that had one, also after a reopen; empty when none was ever written. */
  checkpoint(): StoreCheckpoint;

  /** About how many keys the store holds; exact on both engines today, but a RocksDB engine could only estimate, as Kafka says. */
  approximateNumEntries(): number;

  /**
   * Closes the store and every iterator still open on it; a persistent store keeps its files for
   * the next open. Any later call on the store or those iterators throws InvalidStateStoreException.
   * Closing twice does nothing.
   */
  close(): void;

  /** Closes the store and removes its files: the state is gone, and the changelog holds the truth. */
  destroy(): void;
}

/** One change of a `write`: a put, or a delete when `value` is null. */
export interface BytesChange {
  /** The key; the store copies it. */
  readonly key: Buffer;
  /** The new value (the store copies it), or null to delete the key. */
  readonly value: Buffer | null;
}

/**
 * What the store's contents reflect: for each changelog partition (keyed by `topicPartitionKey`,
 * `<topic>:<partition>`), the offset of the next record to restore from, as Kafka's `.checkpoint` file.
 */
export type StoreCheckpoint = ReadonlyMap<string, number>;

/**
 * A lazy cursor over a store's entries, seen as the store was when the scan began: writes made
 * while it is open do not change what it yields (Kafka's in-memory store iterates over a snapshot
 * too; RocksDB iterators pin a snapshot). Close it when done, or break out of a `for...of`, which
 * closes it: a persistent engine holds a read transaction, and with it disk space, until then.
 */
export interface BytesIterator extends IterableIterator<KeyValue<Buffer, Buffer>> {
  /** The next entry; `done` once the range is exhausted or the iterator closed. */
  next(): IteratorResult<KeyValue<Buffer, Buffer>, undefined>;
  /** Closes the iterator; what `for...of` calls when the loop ends early. */
  return(): IteratorResult<KeyValue<Buffer, Buffer>, undefined>;
  /** Releases what the iterator holds; later `next()` calls return `done`. Closing twice does nothing. */
  close(): void;
}
