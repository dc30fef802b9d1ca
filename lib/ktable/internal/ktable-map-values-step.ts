import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

/** KTable mapValues: maps the new and the old value; deletes stay deletes. */
export function ktableMapValuesStep<K, V, VR>(mapper: (value: V, key: K) => VR, storeName?: string) {
  return nodeStep<K, Change<V>, K, Change<VR>>((node) => {
    const store = storeName === undefined ? undefined : timestampedStore(node.store<KeyValueStore<K, VR>>(storeName));
    return (record, out) => {
      const { newValue, oldValue } = record.value;
      const mappedNew = newValue === null ? null : mapper(newValue, record.key);
      store?.putWithTimestamp(record.key, mappedNew, record.timestamp);
      out.next({
        key: record.key,
        value: { newValue: mappedNew, oldValue: oldValue === null ? null : mapper(oldValue, record.key) },
        timestamp: record.timestamp,
        headers: record.headers,
      });
    };
  });
}
