import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

export type TableJoinKind = 'inner' | 'left' | 'outer';

/**
 * One side of a KTable-KTable join: an update of this side is joined with the other side's
 * current row, for the new and the old value alike, so the result is a table change too; it is
 * stamped with the later of the update's and the other row's timestamps. As Kafka Streams'
 * KTableKTableInnerJoin, LeftJoin, RightJoin (the right side of a left join) and OuterJoin: when
 * the other row exists, an update is always forwarded, even a tombstone for a key this side never
 * had (downstream may hold a result to delete); when it is missing, inner joins and the right side
 * of a left join forward nothing, the others forward unless the update is null to null.
 */
export function tableTableJoinStep<K, VThis, VOther, VR>(
  otherStore: string,
  joiner: (thisValue: VThis | null, otherValue: VOther | null, key: K) => VR,
  kind: TableJoinKind,
  thisIsLeft: boolean,
) {
  // Without the other row these forward nothing.
  const needsOther = kind === 'inner' || (kind === 'left' && !thisIsLeft);
  // Which of this side's values (new or old) give a result: a null one gives a null result, except
  // on the right side of a left join (the left row joins a missing right one) and in an outer join
  // while the other row exists.
  const joins = (value: VThis | null, otherValue: VOther | null): boolean =>
    value !== null || (kind === 'left' && !thisIsLeft) || (kind === 'outer' && otherValue !== null);
  return nodeStep<K, Change<VThis>, K, Change<VR>>((node) => {
    const other = timestampedStore(node.store<KeyValueStore<K, VOther>>(otherStore));
    return (record, out) => {
      const { key } = record;
      const { newValue, oldValue } = record.value;
      const otherValue = other.get(key) ?? null;
      if (otherValue === null && (needsOther || (newValue === null && oldValue === null))) return;
      const joined = (value: VThis | null): VR | null => (joins(value, otherValue) ? joiner(value, otherValue, key) : null);
      const timestamp = otherValue === null ? record.timestamp : Math.max(record.timestamp, other.timestampOf(key) ?? record.timestamp);
      out.next({ key, value: { newValue: joined(newValue), oldValue: joined(oldValue) }, timestamp, headers: record.headers });
    };
  });
}
