import { StreamsException } from '../../errors.ts';
import type { Change } from '../../ktable/change.ts';
import { JoinBuffer, type JoinBufferEntry, type JoinBufferKey } from '../../kstream/internal/join-buffer.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { SlidingWindows } from '../sliding-windows.ts';
import type { Window, Windowed } from '../windowed.ts';

/**
 * Sliding-window aggregation. The windows of a key are, for each record at `t`, `[t - d, t]`, and
 * `[t + 1, t + 1 + d]` when some later record lies within `d` of it. A record changes exactly the
 * windows that contain it (its own among them, and the ones it creates); each is re-aggregated
 * from the key's records in it, which are kept (changelogged) for as long as a window could need
 * them. Closed windows (end before stream time minus grace) are neither updated nor created.
 */
export function slidingAggregateStep<K, V, VA>(
  storeName: string,
  recordsStore: string,
  windows: SlidingWindows,
  fold: (key: K, value: V, aggregate: VA | undefined) => VA,
  keySerde: Serde<K> | undefined,
) {
  const d = windows.timeDifferenceMs;
  return nodeStep<K, V, Windowed<K>, Change<VA>>((node) => {
    const store = node.store<KeyValueStore<Windowed<K>, VA>>(storeName);
    const records = new JoinBuffer<K, V>(node.store<KeyValueStore<JoinBufferKey<K>, JoinBufferEntry<V>>>(recordsStore), keySerde);
    const task = node.task;
    /** Windows in the store by end time, so closed ones leave in order; indexed at the first record. */
    const open = new Map<number, Windowed<K>[]>();
    const track = (windowed: Windowed<K>): void => {
      const keys = open.get(windowed.window.end) ?? [];
      keys.push(windowed);
      open.set(windowed.window.end, keys);
    };
    let indexed = false;
    return (record, out) => {
      const { key, value, timestamp: t } = record;
      if (key === null || key === undefined) {
        throw new StreamsException(`${node.name} cannot aggregate a record with a null key into store ${storeName}; give records a key before grouping`, {
          location: task.location(node.name),
        });
      }
      if (value === null || value === undefined) return;
      if (!indexed) {
        for (const entry of store.all()) track(entry.key);
        indexed = true;
      }
      const closeTime = task.streamTime - windows.graceMs;
      if (t + d < closeTime) {
        task.metrics.droppedRecords++;
        task.logger.debug(`Dropping a late record: every sliding window it falls in closed at stream time ${task.streamTime}`, task.location(node.name) as Record<string, unknown>);
        return;
      }
      records.add(key, t, value, false);
      const nearby = records.fetch(key, t - 2 * d - 1, t + 2 * d + 1).map((item) => item.storeKey.timestamp);
      const windowsOf = new Map<number, Window>();
      const consider = (window: Window): void => {
        if (window.start <= t && t <= window.end) windowsOf.set(window.start, window);
      };
      for (const x of nearby) {
        // As Kafka Streams: a record earlier than d has the window [0, d], not one before 0.
        consider(x < d ? { start: 0, end: d } : { start: x - d, end: x });
        if (nearby.some((y) => y > x && y <= x + d)) consider({ start: x + 1, end: x + 1 + d });
      }
      // The record's own right window holds only later records; it is new if it is not stored yet.
      const ownRight: Window = { start: t + 1, end: t + 1 + d };
      if (nearby.some((y) => y > t && y <= t + d) && store.get({ key, window: ownRight }) === undefined) windowsOf.set(ownRight.start, ownRight);
      for (const window of [...windowsOf.values()].sort((a, b) => a.start - b.start)) {
        if (window.end < closeTime) continue;
        let aggregate: VA | undefined;
        for (const item of records.fetch(key, window.start, window.end)) aggregate = fold(key, item.entry.value, aggregate);
        const windowed: Windowed<K> = { key, window };
        const oldAggregate = store.get(windowed);
        if (oldAggregate === undefined) track(windowed);
        store.put(windowed, aggregate!);
        out.next({ key: windowed, value: { newValue: aggregate!, oldValue: oldAggregate ?? null }, timestamp: window.end, headers: record.headers });
      }
      // A record matters to windows up to 2d after it (its right window's end); closed windows go.
      records.expire((ts) => ts + 2 * d + 1 < closeTime);
      for (const [end, keys] of open) {
        if (end >= closeTime) continue;
        for (const windowed of keys) store.delete(windowed);
        open.delete(end);
      }
    };
  });
}
