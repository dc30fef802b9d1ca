import type { Change } from '../ktable/change.ts';
import type { StreamRecord } from '../processor/record.ts';

/** Where a cache forwards its records: the next step of the table's processor. */
export interface CacheEmitter<K, V> {
  next(record: StreamRecord<K, Change<V>>): void;
}

/**
 * The bytes every record cache of one KafkaStreams instance may hold together, as Kafka Streams'
 * `statestore.cache.max.bytes` (default 10 MB). Sizes are estimates: values live here as
 * objects, and serializing each update only to weigh it would cost what the cache saves.
 */
export class RecordCacheBudget {
  bytes = 0;

  constructor(readonly maxBytes: number) {
    if (!(Number.isFinite(maxBytes) && maxBytes >= 0)) throw new RangeError(`statestoreCacheMaxBytes must be a number >= 0, got ${String(maxBytes)}`);
  }

  get full(): boolean {
    return this.bytes > this.maxBytes;
  }
}

interface Pending<K, V> {
  record: StreamRecord<K, Change<V>>;
  readonly bytes: number;
}

/** Per-entry bookkeeping that the estimate adds to a key's and values' own sizes. */
const ENTRY_OVERHEAD = 64;

/** How deep an object is looked into; deeper parts (and cycles) count as a flat guess. */
const MAX_DEPTH = 4;
const DEEP_GUESS = 64;

/** A rough size of a key or value in bytes (see RecordCacheBudget). */
export function estimateSize(value: unknown, depth = 0): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return 8;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== 'object') return 8;
  if (depth >= MAX_DEPTH) return DEEP_GUESS;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + estimateSize(item, depth + 1) + 8, 16);
  // for-in with an own-property check counts what Object.entries would, without its arrays per put.
  let size = 16;
  for (const field in value) if (Object.hasOwn(value, field)) size += field.length + estimateSize((value as Record<string, unknown>)[field], depth + 1);
  return size;
}

/**
 * Kafka Streams' record cache (KIP-63) in front of a KTable's downstream: updates to the same key
 * are merged until the task commits (or the instance's budget is full), and only the latest is
 * forwarded, carrying the value forwarded before it as its old value. Entries are forwarded in
 * the order their keys were last updated, as Kafka's NamedCache does. The store itself is
 * written at once; only what flows downstream waits.
 */
export class RecordCache<K, V> {
  private readonly pending = new Map<unknown, Pending<K, V>>();
  private emitter: CacheEmitter<K, V> | undefined;

  constructor(
    readonly storeName: string,
    /** Turns a key into something a `Map` compares by value. */
    private readonly identify: (key: K) => unknown,
    private readonly budget: RecordCacheBudget,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /**
   * Takes an update in place of forwarding it; `out` is where the flush will send it. True when
   * an update of the same key was pending (a hit: one record less downstream).
   */
  put(record: StreamRecord<K, Change<V>>, out: CacheEmitter<K, V>): boolean {
    this.emitter = out;
    const id = this.identify(record.key);
    const previous = this.pending.get(id);
    let merged = record;
    if (previous) {
      // The old value downstream knows is the one forwarded last, not the one just replaced.
      merged = { ...record, value: { newValue: record.value.newValue, oldValue: previous.record.value.oldValue } };
      this.pending.delete(id);
      this.budget.bytes -= previous.bytes;
    }
    const bytes = ENTRY_OVERHEAD + estimateSize(record.key) + estimateSize(merged.value.newValue) + estimateSize(merged.value.oldValue);
    this.pending.set(id, { record: merged, bytes });
    this.budget.bytes += bytes;
    // Kafka evicts from the cache being written; an eviction flushes that cache's dirty entries.
    if (this.budget.full) this.flush();
    return previous !== undefined;
  }

  /** Forwards every pending update, oldest key first, and empties the cache. */
  flush(): void {
    if (this.pending.size === 0) return;
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) this.budget.bytes -= entry.bytes;
    const out = this.emitter!;
    for (const { record } of entries) {
      // A row added and deleted again between two flushes never existed downstream.
      if (record.value.newValue === null && record.value.oldValue === null) continue;
      out.next(record);
    }
  }

  /** Drops what is pending (the task is closing dirty; its input will be processed again). */
  clear(): void {
    for (const entry of this.pending.values()) this.budget.bytes -= entry.bytes;
    this.pending.clear();
  }
}
