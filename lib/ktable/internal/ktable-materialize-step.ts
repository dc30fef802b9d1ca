import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

/** Keeps a table's latest values in a store; forwards the changes on only when asked to. */
export function ktableMaterializeStep<K, V>(storeName: string, forward = false) {
  return nodeStep<K, Change<V>, K, Change<V>>((node) => {
    const store = timestampedStore(node.store<KeyValueStore<K, V>>(storeName));
    return (record, out) => {
      store.putWithTimestamp(record.key, record.value.newValue, record.timestamp);
      if (forward) out.next(record);
    };
  });
}
