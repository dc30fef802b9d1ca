import { StreamsException } from '../../errors.ts';
import { sameKey } from '../../state/internal/same-key.ts';
import type { KeyValue } from '../../processor/record.ts';
import type { Change } from '../change.ts';
import { recordStep } from '../../kstream/internal/record-step.ts';

/**
 * KTable.groupBy: maps each row to its new (key, value). When the new key is the old one, one
 * change goes on; otherwise the old row is subtracted from its group first, then the new row is
 * added to its group (two records), exactly as Kafka Streams' KTableRepartitionMap.
 */
export function ktableRepartitionMapStep<K, V, KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>) {
  const select = (key: K, value: V | null): KeyValue<KR, VR> | null => {
    if (value === null) return null;
    const pair = selector(key, value);
    if (pair === null || typeof pair !== 'object' || !('key' in pair)) throw new TypeError('KTable groupBy selector must return a { key, value } object');
    return pair.key === null || pair.key === undefined || pair.value === null || pair.value === undefined ? null : pair;
  };
  return recordStep<K, Change<V>, KR, Change<VR>>((record, out) => {
    if (record.key === null || record.key === undefined) throw new StreamsException('Record key for the grouping KTable should not be null');
    const oldPair = select(record.key, record.value.oldValue);
    const newPair = select(record.key, record.value.newValue);
    const base = { timestamp: record.timestamp, headers: record.headers };
    if (oldPair && newPair && sameKey(oldPair.key, newPair.key)) {
      out.next({ key: newPair.key, value: { newValue: newPair.value, oldValue: oldPair.value }, ...base });
      return;
    }
    if (oldPair) out.next({ key: oldPair.key, value: { newValue: null, oldValue: oldPair.value }, ...base });
    if (newPair) out.next({ key: newPair.key, value: { newValue: newPair.value, oldValue: null }, ...base });
  });
}
