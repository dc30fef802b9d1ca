import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

/**
 * KTable filter: a row that fails the predicate becomes a delete. Old values are filtered too,
 * and a change that is a delete both before and after is not forwarded (nothing changed).
 */
export function ktableFilterStep<K, V>(predicate: (key: K, value: V) => boolean, negate: boolean, storeName?: string) {
  const keep = (key: K, value: V | null): V | null => (value !== null && !predicate(key, value) === negate ? value : null);
  return nodeStep<K, Change<V>, K, Change<V>>((node) => {
    const store = storeName === undefined ? undefined : node.store<KeyValueStore<K, V>>(storeName);
    return (record, out) => {
      const newValue = keep(record.key, record.value.newValue);
      const oldValue = keep(record.key, record.value.oldValue);
      if (newValue === null && oldValue === null) return;
      store?.put(record.key, newValue);
      out.next({ key: record.key, value: { newValue, oldValue }, timestamp: record.timestamp, headers: record.headers });
    };
  });
}
