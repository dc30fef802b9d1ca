import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

export type TableJoinKind = 'inner' | 'left' | 'outer';

/**
 * One side of a KTable-KTable join: an update of this side is joined with the other side's
 * current value, for the new and the old value alike, so the result is a table change too.
 * Which pairs produce a value depends on the join kind and on which side this is.
 */
export function tableTableJoinStep<K, VThis, VOther, VR>(
  otherStore: string,
  joiner: (thisValue: VThis | null, otherValue: VOther | null, key: K) => VR,
  kind: TableJoinKind,
  thisIsLeft: boolean,
) {
  const joins = (thisValue: VThis | null, otherValue: VOther | null): boolean => {
    if (thisValue === null && otherValue === null) return false;
    if (kind === 'inner') return thisValue !== null && otherValue !== null;
    if (kind === 'outer') return true;
    return thisIsLeft ? thisValue !== null : otherValue !== null;
  };
  return nodeStep<K, Change<VThis>, K, Change<VR>>((node) => {
    const other = node.store<KeyValueStore<K, VOther>>(otherStore);
    return (record, out) => {
      const otherValue = other.get(record.key) ?? null;
      const { newValue, oldValue } = record.value;
      const joined = (value: VThis | null): VR | null => (joins(value, otherValue) ? joiner(value, otherValue, record.key) : null);
      const change = { newValue: joined(newValue), oldValue: joined(oldValue) };
      if (change.newValue === null && change.oldValue === null) return;
      out.next({ key: record.key, value: change, timestamp: record.timestamp, headers: record.headers });
    };
  });
}
