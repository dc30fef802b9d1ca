import type { Serde } from '../../serdes/serde.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { NodeContext } from '../../topology/internal/node-context.ts';
import type { JoinWindows } from '../../windows/join-windows.ts';
import { JoinBuffer, type JoinBufferEntry, type JoinBufferKey } from './join-buffer.ts';
import { nodeStep } from './record-step.ts';

export interface StreamJoinSide {
  readonly store: string;
  /** Whether this side's records that never joined are emitted (with null) when their window closes. */
  readonly emitsUnjoined: boolean;
}

export interface StreamStreamJoinOptions<K, VL, VR, VOut> {
  readonly left: StreamJoinSide;
  readonly right: StreamJoinSide;
  readonly windows: JoinWindows;
  readonly joiner: (leftValue: VL | null, rightValue: VR | null, key: K) => VOut;
  readonly keySerde: Serde<K> | undefined;
}

function buffer<K, V>(node: NodeContext, store: string, keySerde: Serde<K> | undefined): JoinBuffer<K, V> {
  return node.task.shared(`join-buffer:${store}`, () => new JoinBuffer<K, V>(node.store<KeyValueStore<JoinBufferKey<K>, JoinBufferEntry<V>>>(store), keySerde));
}

/**
 * One side of a windowed stream-stream join, as Kafka Streams 3.x: each record is buffered, joined
 * with the other side's buffered records of its key within the window (the result's timestamp is
 * the later of the two), and, for left and outer joins, a record that never joined is emitted with
 * null once stream time passes its window plus grace, never eagerly. Late records are dropped.
 */
export function streamStreamJoinStep<K, VL, VR, VOut>(options: StreamStreamJoinOptions<K, VL, VR, VOut>, thisIsLeft: boolean) {
  const { windows, joiner } = options;
  // A left record at t meets right records in [t - before, t + after]; a right record at t meets
  // left records in [t - after, t + before].
  const leftAfter = windows.afterMs;
  const rightAfter = windows.beforeMs;
  return nodeStep<K, unknown, K, VOut>((node) => {
    const left = buffer<K, VL>(node, options.left.store, options.keySerde);
    const right = buffer<K, VR>(node, options.right.store, options.keySerde);
    const task = node.task;
    return (record, out) => {
      const { key, value, timestamp } = record;
      if (key === null || key === undefined || value === null || value === undefined) return;
      const streamTime = task.streamTime;
      const grace = windows.graceMs;
      // Records that never joined are emitted once their own window closed; all are kept until no
      // record of the other side could still reach them (before + after + grace), then removed.
      const unjoined = [
        ...(options.left.emitsUnjoined ? left.takeUnjoined((t) => t + leftAfter + grace < streamTime).map((item) => ({ item, left: true })) : []),
        ...(options.right.emitsUnjoined ? right.takeUnjoined((t) => t + rightAfter + grace < streamTime).map((item) => ({ item, left: false })) : []),
      ].sort((a, b) => a.item.storeKey.timestamp - b.item.storeKey.timestamp);
      for (const { item, left: isLeft } of unjoined) {
        const joined = isLeft ? joiner(item.entry.value as VL, null, item.storeKey.key) : joiner(null, item.entry.value as VR, item.storeKey.key);
        out.next({ key: item.storeKey.key, value: joined, timestamp: item.storeKey.timestamp, headers: record.headers });
      }
      const retention = windows.beforeMs + windows.afterMs + grace;
      left.expire((t) => t + retention < streamTime);
      right.expire((t) => t + retention < streamTime);
      const ownAfter = thisIsLeft ? leftAfter : rightAfter;
      const ownBefore = thisIsLeft ? windows.beforeMs : windows.afterMs;
      if (timestamp + ownAfter + grace < streamTime) {
        task.metrics.droppedRecords++;
        task.logger.debug(`Dropping a late record for a join window closed at stream time ${streamTime}`, task.location(node.name) as Record<string, unknown>);
        return;
      }
      if (thisIsLeft) {
        const matches = right.fetch(key, timestamp - ownBefore, timestamp + ownAfter);
        left.add(key, timestamp, value as VL, matches.length > 0);
        for (const match of matches) {
          right.markJoined(match);
          out.next({ key, value: joiner(value as VL, match.entry.value, key), timestamp: Math.max(timestamp, match.storeKey.timestamp), headers: record.headers });
        }
      } else {
        const matches = left.fetch(key, timestamp - ownBefore, timestamp + ownAfter);
        right.add(key, timestamp, value as VR, matches.length > 0);
        for (const match of matches) {
          left.markJoined(match);
          out.next({ key, value: joiner(match.entry.value, value as VR, key), timestamp: Math.max(timestamp, match.storeKey.timestamp), headers: record.headers });
        }
      }
    };
  });
}
