import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

/**
 * Turns a stream of upserts into table changes: the latest value per key goes into the store
 * (a null value deletes the key) and the change, with the value it replaced, goes on. Without a
 * store (a table nobody materialized, see TableSource) each update goes on with no old value.
 * Records without a key cannot be rows and are skipped with a warning, as in Kafka Streams.
 */
export function ktableSourceStep<K, V>(storeName: string | (() => string | undefined)) {
  return nodeStep<K, V, K, Change<V>>((node) => {
    const name = typeof storeName === 'function' ? storeName() : storeName;
    const store = name === undefined ? undefined : timestampedStore(node.store<KeyValueStore<K, V>>(name));
    return (record, out) => {
      if (record.key === null || record.key === undefined) {
        node.task.logger.warn(
          `Skipping a record with a null key: a table row needs a key (${node.name})`,
          node.task.location(node.name) as Record<string, unknown>,
        );
        return;
      }
      const value = record.value === undefined ? null : record.value;
      let oldValue: V | null = null;
      if (store !== undefined) {
        oldValue = store.get(record.key) ?? null;
        store.putWithTimestamp(record.key, value, record.timestamp);
      }
      out.next({ key: record.key, value: { newValue: value, oldValue }, timestamp: record.timestamp, headers: record.headers });
    };
  });
}
