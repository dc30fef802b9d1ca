import { StreamsException } from '../../errors.ts';
import { encodedKeyAccess, type EncodedKeyAccess } from '../../state/internal/encoded-key-access.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore, type TimestampedKeyValueStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../../ktable/change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';
import type { TimeWindows } from '../time-windows.ts';
import type { Windowed } from '../windowed.ts';

/**
 * KGroupedStream.windowedBy(TimeWindows): folds each record into every window it falls in, as
 * Kafka Streams' KStreamWindowAggregate. A window takes records until stream time passes its end
 * plus the grace period; a record for a closed window is dropped, counted and logged. Closed
 * windows leave the store (retention = size + grace, Kafka Streams' default).
 */
export function windowAggregateStep<K, V, VA>(
  storeName: string,
  windows: TimeWindows,
  fold: (key: K, value: V, aggregate: VA | undefined) => VA,
  retentionMs = windows.sizeMs + windows.graceMs,
) {
  return nodeStep<K, V, Windowed<K>, Change<VA>>((node) => {
    const store = timestampedStore(node.store<KeyValueStore<Windowed<K>, VA>>(storeName));
    // Each window's key is encoded once per record, not at the get, the timestamp and the put.
    const fast = encodedKeyAccess<Windowed<K>, VA>(store);
    const encoded = fast ?? plainAccess(store);
    // A delete as store.delete does it (only a window still held is written, as null); a store
    // without encoded access (a metered one) gets store.delete itself.
    const remove = fast
      ? (key: Windowed<K>, id: unknown): void => {
          if (fast.getEncoded(id) !== undefined) fast.putEncodedWithTimestamp(key, id, null, -1);
        }
      : (key: Windowed<K>): void => void store.delete(key);
    const task = node.task;
    const encodeKey = storeKeyEncoder<K>(undefined, storeName);
    const forward = task.changeForwarder<Windowed<K>, VA>(storeName, (windowed) => {
      const key = encodeKey(windowed.key);
      return `${typeof key}:${String(key)}@${windowed.window.start}`;
    });
    /** Windows in the store by start time, with their store encoding, so closed ones can be removed in order. */
    const open = new Map<number, TrackedWindow<K>[]>();
    /** The earliest start in `open`: until stream time reaches its expiry, no window expires. */
    let earliest = Infinity;
    const track = (key: Windowed<K>, id: unknown): void => {
      const start = key.window.start;
      const keys = open.get(start);
      if (keys) keys.push({ key, id });
      else open.set(start, [{ key, id }]);
      if (start < earliest) earliest = start;
    };
    // Windows restored into the store (changelog, Keyv) are indexed at the first record.
    let indexed = false;
    const expire = (): void => {
      if (earliest + retentionMs > task.streamTime) return;
      earliest = Infinity;
      for (const [start, keys] of open) {
        if (start + retentionMs > task.streamTime) {
          if (start < earliest) earliest = start;
          continue;
        }
        for (const { key, id } of keys) remove(key, id);
        open.delete(start);
      }
    };
    return (record, out) => {
      if (record.key === null || record.key === undefined) {
        throw new StreamsException(`${node.name} cannot aggregate a record with a null key into store ${storeName}; give records a key before grouping`, {
          location: task.location(node.name),
        });
      }
      // As KStreamWindowAggregate, a null value is aggregated too (only its null key is refused).
      if (!indexed) {
        for (const entry of store.all()) track(entry.key, encoded.encodeKey(entry.key));
        indexed = true;
      }
      const closeTime = task.streamTime - windows.graceMs;
      for (const window of windows.windowsFor(record.timestamp)) {
        if (window.end <= closeTime) {
          task.metrics.droppedRecords++;
          task.logger.debug(
            `Dropping a late record for window [${window.start}, ${window.end}) closed at stream time ${task.streamTime}`,
            task.location(node.name) as Record<string, unknown>,
          );
          continue;
        }
        const key: Windowed<K> = { key: record.key, window };
        const id = encoded.encodeKey(key);
        const oldAggregate = encoded.getEncoded(id);
        if (oldAggregate === undefined) track(key, id);
        const newAggregate = fold(record.key, record.value as V, oldAggregate);
        const timestamp = oldAggregate === undefined ? record.timestamp : Math.max(record.timestamp, encoded.timestampOfEncoded(id) ?? record.timestamp);
        encoded.putEncodedWithTimestamp(key, id, newAggregate, timestamp);
        forward({ key, value: { newValue: newAggregate, oldValue: oldAggregate ?? null }, timestamp, headers: record.headers }, out);
      }
      expire();
    };
  });
}

interface TrackedWindow<K> {
  readonly key: Windowed<K>;
  /** The key as the store encodes it. */
  readonly id: unknown;
}

/** Encoded access over a store that has none: the "encoding" is the key itself. */
function plainAccess<K, V>(store: TimestampedKeyValueStore<K, V>): EncodedKeyAccess<K, V> {
  return {
    encodeKey: (key) => key,
    getEncoded: (key) => store.get(key as K),
    timestampOfEncoded: (key) => store.timestampOf(key as K),
    putEncodedWithTimestamp: (key, _encoded, value, timestamp) => store.putWithTimestamp(key, value, timestamp),
  };
}
