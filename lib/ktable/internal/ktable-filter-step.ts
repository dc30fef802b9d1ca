import type { KeyValueStore } from '../../state/key-value-store.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import type { Change } from '../change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';

/**
 * KTable filter: a row that fails the predicate becomes a delete. Old values are filtered too.
 * As Kafka Streams' KTableFilter, a change that is a delete both before and after is dropped only
 * while the table sends old values (`oldValuesSent`, read when the task is built); otherwise the
 * filter cannot know whether downstream saw the row, and forwards the delete for every update.
 */
export function ktableFilterStep<K, V>(predicate: (key: K, value: V) => boolean, negate: boolean, storeName: string | undefined, oldValuesSent: () => boolean) {
  const keep = (key: K, value: V | null): V | null => (value !== null && !predicate(key, value) === negate ? value : null);
  return nodeStep<K, Change<V>, K, Change<V>>((node) => {
    const store = storeName === undefined ? undefined : timestampedStore(node.store<KeyValueStore<K, V>>(storeName));
    const sendOldValues = storeName !== undefined || oldValuesSent();
    return (record, out) => {
      const newValue = keep(record.key, record.value.newValue);
      const oldValue = sendOldValues ? keep(record.key, record.value.oldValue) : null;
      if (sendOldValues && newValue === null && oldValue === null) return;
      store?.putWithTimestamp(record.key, newValue, record.timestamp);
      out.next({ key: record.key, value: { newValue, oldValue }, timestamp: record.timestamp, headers: record.headers });
    };
  });
}
