import { StreamsException } from '../../errors.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../../ktable/change.ts';
import { selfGuardedStep } from './record-step.ts';

/** Folds each record into the aggregate of its key; `undefined` old aggregate means none yet. */
export type AggregateFold<K, V, VA> = (key: K, value: V, oldAggregate: VA | undefined) => VA;

/**
 * KGroupedStream's count, reduce and aggregate: read the key's aggregate, fold the record in,
 * store it, and forward the change (through the record cache, when the store has one). As in
 * Kafka Streams' KStreamAggregate, the aggregate is stamped with the latest timestamp folded into
 * it (an older record does not move it back); records with a null value are skipped (count does
 * not count them); a null key cannot be grouped and is an error.
 */
export function streamAggregateStep<K, V, VA>(storeName: string, fold: AggregateFold<K, V, VA>) {
  return selfGuardedStep<K, V, K, Change<VA>>((node) => {
    const store = timestampedStore(node.store<KeyValueStore<K, VA>>(storeName));
    const forward = node.task.changeForwarder<K, VA>(storeName);
    return (record, out) => {
      try {
        if (record.key === null || record.key === undefined) {
          throw new StreamsException(`${node.name} cannot aggregate a record with a null key into store ${storeName}; give records a key before grouping`, {
            location: node.task.location(node.name),
          });
        }
        if (record.value === null || record.value === undefined) {
          node.task.logger.debug(`Skipping a record with a null value at ${node.name}`, node.task.location(node.name) as Record<string, unknown>);
          return;
        }
        const oldAggregate = store.get(record.key);
        const newAggregate = fold(record.key, record.value, oldAggregate);
        const timestamp = oldAggregate === undefined ? record.timestamp : Math.max(record.timestamp, store.timestampOf(record.key) ?? record.timestamp);
        store.putWithTimestamp(record.key, newAggregate, timestamp);
        forward({ key: record.key, value: { newValue: newAggregate, oldValue: oldAggregate ?? null }, timestamp, headers: record.headers }, out);
      } catch (error) {
        node.error(error);
      }
    };
  });
}
