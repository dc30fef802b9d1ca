import { StreamsException } from '../../errors.ts';
import type { Change } from '../../ktable/change.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { SessionWindows } from '../session-windows.ts';
import type { Windowed } from '../windowed.ts';

export interface SessionFunctions<K, V, VA> {
  initializer(): VA;
  aggregator(key: K, value: V, aggregate: VA): VA;
  merger(key: K, left: VA, right: VA): VA;
}

interface Session<K, VA> {
  readonly key: Windowed<K>;
  readonly aggregate: VA;
}

/**
 * Session aggregation, as Kafka Streams' KStreamSessionWindowAggregate: a record finds its key's
 * sessions within the gap of its time, merges them (sessionMerger) into one session spanning all
 * of them and itself, folds itself in, deletes the merged sessions downstream (a null for each)
 * and emits the new one. A record whose merged session ends before stream time minus gap and
 * grace is late and dropped. A null key fails the task (Kafka skips it; docs/conformance.md D1);
 * a null value is aggregated (count counts it). As Kafka's session store, lookups see only sessions within the store's retention (gap +
 * grace unless set) of the latest session end written, so a record next to a closed session
 * starts a session of its own. Sessions leave the store once no record could reach them.
 */
export function sessionAggregateStep<K, V, VA>(
  storeName: string,
  windows: SessionWindows,
  fns: SessionFunctions<K, V, VA>,
  keySerde: Serde<K> | undefined,
  retentionMs = 0,
) {
  // Lookups see sessions ending after (latest end written - retention), as Kafka's segmented store.
  const visibleFor = retentionMs > 0 ? retentionMs : windows.gapMs + windows.graceMs;
  return nodeStep<K, V, Windowed<K>, Change<VA>>((node) => {
    const store = node.store<KeyValueStore<Windowed<K>, VA>>(storeName);
    const task = node.task;
    const encode = storeKeyEncoder(keySerde, storeName);
    /** Sessions per key, by start time; rebuilt from the store at the first record. */
    const byKey = new Map<unknown, Session<K, VA>[]>();
    let indexed = false;
    let lastSweep = -Infinity;
    /** The latest session end written to the store (its observed stream time). */
    let observedEnd = -Infinity;
    const add = (session: Session<K, VA>): void => {
      const encoded = encode(session.key.key);
      const sessions = byKey.get(encoded) ?? [];
      sessions.push(session);
      sessions.sort((a, b) => a.key.window.start - b.key.window.start);
      byKey.set(encoded, sessions);
    };
    return (record, out) => {
      const { key, value, timestamp } = record;
      if (key === null || key === undefined) {
        throw new StreamsException(`${node.name} cannot aggregate a record with a null key into store ${storeName}; give records a key before grouping`, {
          location: task.location(node.name),
        });
      }
      if (!indexed) {
        for (const entry of store.all()) {
          add({ key: entry.key, aggregate: entry.value });
          observedEnd = Math.max(observedEnd, entry.key.window.end);
        }
        indexed = true;
      }
      // As Kafka Streams: a session stays open for records up to the gap after its end, plus grace.
      const closeTime = task.streamTime - windows.graceMs - windows.gapMs;
      const encoded = encode(key);
      const sessions = byKey.get(encoded) ?? [];
      const earliestEnd = Math.max(timestamp - windows.gapMs, observedEnd - visibleFor + 1);
      const overlapping = sessions.filter((s) => s.key.window.end >= earliestEnd && s.key.window.start <= timestamp + windows.gapMs);
      let start = timestamp;
      let end = timestamp;
      let aggregate = fns.initializer();
      for (const session of overlapping) {
        start = Math.min(start, session.key.window.start);
        end = Math.max(end, session.key.window.end);
        aggregate = fns.merger(key, aggregate, session.aggregate);
      }
      if (end < closeTime) {
        task.metrics.droppedRecords++;
        task.logger.debug(
          `Dropping a late record for a session [${start}, ${end}] closed at stream time ${task.streamTime}`,
          task.location(node.name) as Record<string, unknown>,
        );
        return;
      }
      aggregate = fns.aggregator(key, value as V, aggregate);
      const remaining = sessions.filter((s) => !overlapping.includes(s));
      // A record at the time of a one-record session just replaces it: no tombstone in between.
      const sameWindow = start === timestamp && end === timestamp;
      for (const session of overlapping) {
        store.delete(session.key);
        if (!sameWindow)
          out.next({ key: session.key, value: { newValue: null, oldValue: session.aggregate }, timestamp: session.key.window.end, headers: record.headers });
      }
      const merged: Session<K, VA> = { key: { key, window: { start, end } }, aggregate };
      // A null aggregate (a reduce of a null value) deletes the session, as a put of null does in Kafka.
      store.put(merged.key, aggregate ?? null);
      observedEnd = Math.max(observedEnd, end);
      byKey.set(encoded, remaining);
      if (aggregate !== null && aggregate !== undefined) add(merged);
      out.next({ key: merged.key, value: { newValue: aggregate ?? null, oldValue: null }, timestamp: end, headers: record.headers });
      // Sessions the store no longer shows (outside its retention) go; the sweep runs once per gap
      // of stream time, not per record.
      if (task.streamTime - lastSweep < windows.gapMs) return;
      lastSweep = task.streamTime;
      for (const [k, list] of byKey) {
        const keep = list.filter((s) => s.key.window.end > observedEnd - visibleFor);
        for (const s of list) if (!keep.includes(s)) store.delete(s.key);
        if (keep.length === 0) byKey.delete(k);
        else if (keep.length !== list.length) byKey.set(k, keep);
      }
    };
  });
}
