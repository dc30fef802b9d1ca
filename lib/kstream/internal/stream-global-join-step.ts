import type { KeyValueStore } from '../../state/key-value-store.ts';
import { nodeStep } from './record-step.ts';

/**
 * KStream-GlobalKTable join: the key selector maps each stream record to a key of the global
 * table, which every task holds whole; no co-partitioning needed.
 */
export function streamGlobalJoinStep<K, V, GK, GV, VR>(
  storeName: string,
  keySelector: (key: K, value: V) => GK,
  joiner: (value: V, globalValue: GV | null, key: K) => VR,
  left: boolean,
) {
  return nodeStep<K, V, K, VR>((node) => {
    const table = node.store<KeyValueStore<GK, GV>>(storeName);
    return (record, out) => {
      const { key, value } = record;
      if (value === null || value === undefined) return;
      const globalKey = keySelector(key, value);
      const match = globalKey === null || globalKey === undefined ? undefined : table.get(globalKey);
      if (match === undefined && !left) return;
      out.next({ key, value: joiner(value, match ?? null, key), timestamp: record.timestamp, headers: record.headers });
    };
  });
}
