import { StreamsException } from '../../errors.ts';
import { NO_HEADERS, type StreamRecord } from '../../processor/record.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { Change } from '../../ktable/change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';
import { keyComparator } from '../../state/internal/key-order.ts';
import type { Suppressed } from '../suppressed.ts';
import type { Windowed } from '../windowed.ts';

/** A held update as stored (and changelogged): the change, its time and when it may go. */
export interface SuppressedEntry<V> {
  readonly change: Change<V>;
  readonly timestamp: number;
  readonly expiry: number;
}

interface Held<K, V> {
  record: StreamRecord<K, Change<V>>;
  readonly expiry: number;
}

/** A held update as bytes: JSON of the new and old values' bytes (base64), the time and the expiry. */
export class SuppressedEntrySerde<V> implements Serde<SuppressedEntry<V>> {
  constructor(private readonly inner: Serde<V>) {}

  serialize(topic: string, data: SuppressedEntry<V> | null): Buffer | null {
    if (data === null) return null;
    const bytes = (value: V | null) => (value === null ? null : (this.inner.serialize(topic, value)?.toString('base64') ?? null));
    return Buffer.from(JSON.stringify({ n: bytes(data.change.newValue), o: bytes(data.change.oldValue), t: data.timestamp, e: data.expiry }));
  }

  deserialize(topic: string, data: Buffer | null): SuppressedEntry<V> {
    if (data === null) return null as unknown as SuppressedEntry<V>;
    const { n, o, t, e } = JSON.parse(data.toString()) as { n: string | null; o: string | null; t: number; e: number };
    const value = (text: string | null) => (text === null ? null : this.inner.deserialize(topic, Buffer.from(text, 'base64')));
    return { change: { newValue: value(n), oldValue: value(o) }, timestamp: t, expiry: e };
  }
}

/**
 * KTable.suppress: holds the latest change per key and lets it go once its stream time (the latest
 * timestamp that reached it) reaches the
 * key's expiry (window end + grace, or first held update + time limit), in expiry order and, for
 * one expiry, in the order of the keys' serialized bytes, as Kafka Streams' KTableSuppressProcessor
 * and its time-ordered buffer. The buffer is a store, changelogged like any other.
 */
export function suppressStep<K, V>(suppressed: Suppressed, graceMs: number | undefined, nodeLabel: string, storeName: string, keySerde?: Serde<K>) {
  if (suppressed.kind === 'until-window-closes' && graceMs === undefined) {
    throw new StreamsException(`${nodeLabel}: suppress(untilWindowCloses) needs a windowed table (from windowedBy(...))`);
  }
  const expiryOf = (record: StreamRecord<K, Change<V>>): number =>
    suppressed.kind === 'until-window-closes' ? (record.key as unknown as Windowed<unknown>).window.end + graceMs! : record.timestamp + suppressed.timeLimitMs;
  const compareKeys = bufferKeyOrder<K>(keySerde, storeName);
  const byRelease = (a: [unknown, Held<K, V>], b: [unknown, Held<K, V>]): number => a[1].expiry - b[1].expiry || compareKeys(a[1].record.key, b[1].record.key);
  return nodeStep<K, Change<V>, K, Change<V>>((node) => {
    const held = new Map<unknown, Held<K, V>>();
    const encode = storeKeyEncoder<K>(undefined, node.name);
    // The buffer is a store, so held updates survive a crash; the Map indexes it (rebuilt at first use).
    const store = node.store<KeyValueStore<K, SuppressedEntry<V>>>(storeName);
    let indexed = false;
    const release = (key: unknown, h: Held<K, V>): void => {
      held.delete(key);
      store.delete(h.record.key);
    };
    // As Kafka's KTableSuppressProcessor: final results drop tombstones (a window's result that
    // went away before it closed), a time limit forwards every change it held.
    const emit = (out: { next(r: StreamRecord<K, Change<V>>): void }, h: Held<K, V>): void => {
      if (suppressed.kind === 'until-window-closes' && h.record.value.newValue === null) return;
      out.next(h.record);
    };
    /** The latest timestamp that reached this node: Kafka's suppression keeps its own stream time. */
    let observed = -Infinity;
    const emitDue = (out: { next(r: StreamRecord<K, Change<V>>): void }, streamTime: number): void => {
      const due = [...held.entries()].filter(([, h]) => h.expiry <= streamTime).sort(byRelease);
      for (const [key, h] of due) {
        release(key, h);
        emit(out, h);
      }
    };
    return (record, out) => {
      if (!indexed) {
        for (const { key, value } of store.all()) {
          held.set(encode(key), { record: { key, value: value.change, timestamp: value.timestamp, headers: NO_HEADERS }, expiry: value.expiry });
        }
        indexed = true;
      }
      const key = encode(record.key);
      const previous = held.get(key);
      // Keep the oldest old value: downstream sees one change from before the first held update.
      const change = previous ? { newValue: record.value.newValue, oldValue: previous.record.value.oldValue } : record.value;
      const expiry = previous?.expiry ?? expiryOf(record);
      held.set(key, { record: { ...record, value: change }, expiry });
      store.put(record.key, { change, timestamp: record.timestamp, expiry });
      observed = Math.max(observed, record.timestamp);
      // Due updates go first, then a buffer still over its bound lets go of its first ones.
      emitDue(out, observed);
      const max = suppressed.buffer.maxRecords;
      if (max !== undefined && held.size > max) {
        if (suppressed.buffer.whenFull === 'shut-down') {
          throw new StreamsException(`${node.name}: the suppression buffer is full (${max} keys); raise maxRecords or let it emit early`);
        }
        const ordered = [...held.entries()].sort(byRelease);
        for (let i = 0; held.size > max; i++) {
          const [oldestKey, oldest] = ordered[i]!;
          release(oldestKey, oldest);
          emit(out, oldest);
        }
      }
    };
  });
}

/**
 * The buffer's order of keys with one expiry: by serialized bytes with a key serde (a windowed
 * key's bytes are its key's, then its window start); without one, by key, then window start.
 */
function bufferKeyOrder<K>(keySerde: Serde<K> | undefined, storeName: string): (a: K, b: K) => number {
  if (keySerde) return keyComparator(keySerde, storeName);
  const natural = keyComparator<unknown>(undefined, storeName);
  return (a, b) => {
    const wa = a as unknown as Partial<Windowed<unknown>>;
    const wb = b as unknown as Partial<Windowed<unknown>>;
    if (wa?.window && wb?.window) return natural(wa.key, wb.key) || wa.window.start - wb.window.start;
    return natural(a, b);
  };
}
