import { StreamsException } from '../../errors.ts';
import type { Change } from '../../ktable/change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { SlidingWindows } from '../sliding-windows.ts';
import type { Window, Windowed } from '../windowed.ts';
import { WindowIndex } from './window-index.ts';

/** A window's aggregate and the latest record time folded into it (Kafka's ValueAndTimestamp). */
interface Aggregated<VA> {
  readonly value: VA;
  readonly timestamp: number;
}

/**
 * Sliding-window aggregation, as Kafka Streams' KStreamSlidingWindowAggregate (the reverse-scan
 * path its RocksDB stores take). The windows of a key are, for each record at `t`, its left
 * window `[t - d, t]` and, once a later record lies within `d`, its right window
 * `[t + 1, t + 1 + d]`. Windows are updated in place: a record is folded into the stored windows
 * it falls in (latest start first), then the windows it creates are made from their neighbours'
 * aggregates: the previous record's right window, its own left window, its own right window. An
 * update is stamped with the latest record time in the window. Only windows are kept, no records:
 * a record whose own left window has closed, while it is not late enough to be dropped, lands in
 * no window. The store keeps windows for 2d + grace (or the asked retention) after the latest
 * window start it was written, as Kafka's segmented window store; lookups see no older window.
 * Records with a null key or value are skipped; stream time is what this node has seen.
 */
export function slidingAggregateStep<K, V, VA>(
  storeName: string,
  windows: SlidingWindows,
  fold: (key: K, value: V, aggregate: VA | undefined) => VA,
  keySerde: Serde<K> | undefined,
  retentionMs = 2 * windows.timeDifferenceMs + windows.graceMs,
) {
  const d = windows.timeDifferenceMs;
  return nodeStep<K, V, Windowed<K>, Change<VA>>((node) => {
    const store = timestampedStore(node.store<KeyValueStore<Windowed<K>, VA>>(storeName));
    const task = node.task;
    const index = new WindowIndex<K>(storeKeyEncoder(keySerde, storeName), retentionMs);
    let indexed = false;
    /** The latest timestamp this node aggregated (Kafka's processor-local observed stream time). */
    let observed = -Infinity;

    const windowOf = (start: number): Window => ({ start, end: start + d });
    const read = (key: K, start: number): Aggregated<VA> | undefined => {
      const windowed: Windowed<K> = { key, window: windowOf(start) };
      const value = store.get(windowed);
      return value === undefined ? undefined : { value, timestamp: store.timestampOf(windowed) ?? start + d };
    };

    return (record, out) => {
      const { key, value } = record;
      if (key === null || key === undefined) {
        throw new StreamsException(`${node.name} cannot aggregate a record with a null key into store ${storeName}; give records a key before grouping`, {
          location: task.location(node.name),
        });
      }
      if (value === null || value === undefined) return;
      if (!indexed) {
        for (const entry of store.all()) index.add(entry.key.key, entry.key.window.start);
        indexed = true;
      }
      const t = record.timestamp;
      observed = Math.max(observed, t);
      const closeTime = observed - windows.graceMs;
      if (t + d < closeTime) {
        task.metrics.droppedRecords++;
        task.logger.debug(
          `Dropping a late record: every sliding window it falls in closed at stream time ${observed}`,
          task.location(node.name) as Record<string, unknown>,
        );
        return;
      }

      /** Folds the record into a window (created from `base`, or fresh) and forwards the update. */
      const update = (window: Window, base: Aggregated<VA> | undefined): void => {
        if (window.end < closeTime) return;
        const aggregate = fold(key, value, base?.value);
        const timestamp = base === undefined ? t : Math.max(t, base.timestamp);
        put(window, aggregate, timestamp, base?.value ?? null);
      };
      const put = (window: Window, aggregate: VA, timestamp: number, oldValue: VA | null): void => {
        const windowed: Windowed<K> = { key, window };
        store.putWithTimestamp(windowed, aggregate, timestamp);
        index.add(key, window.start);
        out.next({ key: windowed, value: { newValue: aggregate, oldValue }, timestamp, headers: record.headers });
      };

      const starts = new Set<number>();
      let leftWindowAggregate: Aggregated<VA> | undefined;
      let rightWindowAggregate: Aggregated<VA> | undefined;
      let leftWindowExists = false;
      let rightWindowExists = false;
      let previousRecordTime: number | undefined;

      if (t < d) {
        // As Kafka Streams: a record earlier than d has the window [0, d], not one before 0.
        let combined: { start: number; aggregate: Aggregated<VA> } | undefined;
        for (const start of index.fetch(key, 0, t + 1, false)) {
          starts.add(start);
          const aggregate = read(key, start)!;
          if (start === 0) {
            combined = { start, aggregate };
            if (aggregate.timestamp < t) previousRecordTime = aggregate.timestamp;
          } else if (start <= t) {
            rightWindowAggregate = aggregate;
            update(windowOf(start), aggregate);
          } else {
            rightWindowExists = true;
          }
        }
        if (rightWindowAggregate === undefined && combined !== undefined && combined.aggregate.timestamp > t) rightWindowAggregate = combined.aggregate;
        if (!rightWindowExists && rightWindowAggregate !== undefined && rightWindowAggregate.timestamp > t) {
          put(windowOf(t + 1), rightWindowAggregate.value, rightWindowAggregate.timestamp, null);
        }
        if (previousRecordTime !== undefined && !starts.has(previousRecordTime + 1)) update(windowOf(previousRecordTime + 1), undefined);
        update(windowOf(0), combined?.aggregate);
        prune();
        return;
      }

      // The stored windows that can hold t, or border it, latest start first.
      for (const start of index.fetch(key, Math.max(0, t - 2 * d), t + 1, true)) {
        starts.add(start);
        const end = start + d;
        const aggregate = read(key, start)!;
        if (start === t + 1) {
          rightWindowExists = true;
        } else if (end > t) {
          rightWindowAggregate ??= aggregate;
          update(windowOf(start), aggregate);
        } else if (end === t) {
          leftWindowExists = true;
          update(windowOf(start), aggregate);
          // A left window already holding a record at t: every window t affects is up to date.
          if (aggregate.timestamp >= t) {
            prune();
            return;
          }
          previousRecordTime = aggregate.timestamp;
        } else {
          leftWindowAggregate = aggregate;
          previousRecordTime = aggregate.timestamp;
          break;
        }
      }

      // The previous record's right window, if t is the first record after it within d.
      if (previousRecordTime !== undefined && !starts.has(previousRecordTime + 1) && previousRecordTime + 1 + d >= t)
        update(windowOf(previousRecordTime + 1), undefined);
      if (!leftWindowExists) {
        const previousInReach = previousRecordTime !== undefined && t - d <= previousRecordTime;
        const base = previousInReach && leftWindowAggregate !== undefined ? { value: leftWindowAggregate.value, timestamp: t } : undefined;
        update(windowOf(t - d), base);
      }
      if (!rightWindowExists && rightWindowAggregate !== undefined && rightWindowAggregate.timestamp > t) {
        put(windowOf(t + 1), rightWindowAggregate.value, rightWindowAggregate.timestamp, null);
      }
      prune();
    };

    /** Windows past retention leave the store (Kafka drops them with their segment). */
    function prune(): void {
      for (const { key, start } of index.expired()) store.delete({ key, window: windowOf(start) });
    }
  });
}
