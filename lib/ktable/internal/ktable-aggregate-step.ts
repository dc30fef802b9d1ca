import { StreamsException } from '../../errors.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

export interface TableAggregateFunctions<K, V, VA> {
  /** Adds a value to the group's aggregate; `undefined` means the group has none yet. */
  add(key: K, value: V, aggregate: VA | undefined): VA;
  /** Removes a value that left the group. */
  subtract(key: K, value: V, aggregate: VA): VA;
}

/**
 * KGroupedTable's count, reduce and aggregate: subtract the old value, then add the new one, as
 * Kafka Streams' KTableAggregate. An aggregate that becomes null deletes the group's row. An
 * update of an existing aggregate is stamped with the later of its timestamp and the record's.
 */
export function ktableAggregateStep<K, V, VA>(storeName: string, fns: TableAggregateFunctions<K, V, VA>) {
  return nodeStep<K, Change<V>, K, Change<VA>>((node) => {
    const store = timestampedStore(node.store<KeyValueStore<K, VA>>(storeName));
    const forward = node.task.changeForwarder<K, VA>(storeName);
    return (record, out) => {
      if (record.key === null || record.key === undefined) {
        throw new StreamsException(`Record key for KTable aggregate operator with state ${storeName} should not be null`);
      }
      const oldAggregate = store.get(record.key);
      let aggregate: VA | undefined = oldAggregate;
      if (record.value.oldValue !== null && aggregate !== undefined) aggregate = fns.subtract(record.key, record.value.oldValue, aggregate);
      if (record.value.newValue !== null) aggregate = fns.add(record.key, record.value.newValue, aggregate ?? undefined);
      const newAggregate = aggregate === undefined ? null : aggregate;
      // As KTableAggregate: the old aggregate's time counts only when it was subtracted from or added to.
      const touched = oldAggregate !== undefined && (record.value.oldValue !== null || record.value.newValue !== null);
      const timestamp = touched ? Math.max(record.timestamp, store.timestampOf(record.key) ?? record.timestamp) : record.timestamp;
      store.putWithTimestamp(record.key, newAggregate, timestamp);
      forward({ key: record.key, value: { newValue: newAggregate, oldValue: oldAggregate ?? null }, timestamp, headers: record.headers }, out);
    };
  });
}
