import type { KeyValueStore } from '../../state/key-value-store.ts';
import { nodeStep } from './record-step.ts';

/**
 * KStream-KTable join: each stream record looks up the table's current value for its key; table
 * updates trigger nothing. An inner join drops records without a match (or without a key or
 * value); a left join emits them with a null table value (KIP-962: a null key too).
 */
export function streamTableJoinStep<K, V, VT, VR>(storeName: string, joiner: (value: V, tableValue: VT | null, key: K) => VR, left: boolean) {
  return nodeStep<K, V, K, VR>((node) => {
    const table = node.store<KeyValueStore<K, VT>>(storeName);
    return (record, out) => {
      const { key, value } = record;
      if (value === null || value === undefined) return;
      const match = key === null || key === undefined ? undefined : table.get(key);
      if (match === undefined && !left) return;
      out.next({ key, value: joiner(value, match ?? null, key), timestamp: record.timestamp, headers: record.headers });
    };
  });
}
