import { StreamsException } from '../../errors.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { Change } from '../../ktable/change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';
import type { Suppressed } from '../suppressed.ts';
import type { Windowed } from '../windowed.ts';

interface Held<K, V> {
  record: StreamRecord<K, Change<V>>;
  readonly expiry: number;
}

/**
 * KTable.suppress: holds the latest change per key and lets it go once stream time reaches the
 * key's expiry (window end + grace, or first held update + time limit), in expiry order, as
 * Kafka Streams' KTableSuppressProcessor. The buffer lives in memory only.
 */
export function suppressStep<K, V>(suppressed: Suppressed, graceMs: number | undefined, nodeLabel: string) {
  if (suppressed.kind === 'until-window-closes' && graceMs === undefined) {
    throw new StreamsException(`${nodeLabel}: suppress(untilWindowCloses) needs a windowed table (from windowedBy(...))`);
  }
  const expiryOf = (record: StreamRecord<K, Change<V>>): number =>
    suppressed.kind === 'until-window-closes' ? (record.key as unknown as Windowed<unknown>).window.end + graceMs! : record.timestamp + suppressed.timeLimitMs;
  return nodeStep<K, Change<V>, K, Change<V>>((node) => {
    const held = new Map<unknown, Held<K, V>>();
    const encode = storeKeyEncoder<K>(undefined, node.name);
    const emitDue = (out: { next(r: StreamRecord<K, Change<V>>): void }, streamTime: number): void => {
      const due = [...held.entries()].filter(([, h]) => h.expiry <= streamTime).sort((a, b) => a[1].expiry - b[1].expiry);
      for (const [key, h] of due) {
        held.delete(key);
        // A key created and deleted while held changed nothing downstream: nothing to emit.
        if (h.record.value.newValue === null && h.record.value.oldValue === null) continue;
        out.next(h.record);
      }
    };
    return (record, out) => {
      const key = encode(record.key);
      const previous = held.get(key);
      // Keep the oldest old value: downstream sees one change from before the first held update.
      const change = previous ? { newValue: record.value.newValue, oldValue: previous.record.value.oldValue } : record.value;
      const expiry = previous?.expiry ?? expiryOf(record);
      held.set(key, { record: { ...record, value: change }, expiry });
      const max = suppressed.buffer.maxRecords;
      if (max !== undefined && held.size > max) {
        if (suppressed.buffer.whenFull === 'shut-down') {
          throw new StreamsException(`${node.name}: the suppression buffer is full (${max} keys); raise maxRecords or let it emit early`);
        }
        const [oldestKey, oldest] = [...held.entries()].sort((a, b) => a[1].expiry - b[1].expiry)[0]!;
        held.delete(oldestKey);
        out.next(oldest.record);
      }
      emitDue(out, node.task.streamTime);
    };
  });
}
