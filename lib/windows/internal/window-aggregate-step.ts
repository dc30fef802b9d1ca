import { StreamsException } from '../../errors.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
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
    const task = node.task;
    const encodeKey = storeKeyEncoder<K>(undefined, storeName);
    const forward = task.changeForwarder<Windowed<K>, VA>(storeName, (windowed) => {
      const key = encodeKey(windowed.key);
      return `${typeof key}:${String(key)}@${windowed.window.start}`;
    });
    /** Windows in the store by start time, so closed ones can be removed in order. */
    const open = new Map<number, Windowed<K>[]>();
    const track = (key: Windowed<K>): void => {
      const keys = open.get(key.window.start) ?? [];
      keys.push(key);
      open.set(key.window.start, keys);
    };
    // Windows restored into the store (changelog, Keyv) are indexed at the first record.
    let indexed = false;
    const expire = (): void => {
      for (const [start, keys] of open) {
        if (start + retentionMs > task.streamTime) continue;
        for (const key of keys) store.delete(key);
        open.delete(start);
      }
    };
    return (record, out) => {
      if (record.key === null || record.key === undefined) {
        throw new StreamsException(`${node.name} cannot aggregate a record with a null key into store ${storeName}; give records a key before grouping`, {
          location: task.location(node.name),
        });
      }
      // As KStreamWindowAggregate, only a null key is skipped: a null value is aggregated too.
      if (!indexed) {
        for (const entry of store.all()) track(entry.key);
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
        const oldAggregate = store.get(key);
        if (oldAggregate === undefined) track(key);
        const newAggregate = fold(record.key, record.value as V, oldAggregate);
        const timestamp = oldAggregate === undefined ? record.timestamp : Math.max(record.timestamp, store.timestampOf(key) ?? record.timestamp);
        store.putWithTimestamp(key, newAggregate, timestamp);
        forward({ key, value: { newValue: newAggregate, oldValue: oldAggregate ?? null }, timestamp, headers: record.headers }, out);
      }
      expire();
    };
  });
}
