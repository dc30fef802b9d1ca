import type { Serde } from '../../serdes/serde.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { NodeContext } from '../../topology/internal/node-context.ts';
import type { JoinWindows } from '../../windows/join-windows.ts';
import { JoinBuffer, type JoinBufferEntry, type JoinBufferKey } from './join-buffer.ts';
import { OuterJoinCandidates } from './outer-join-candidates.ts';
import { nodeStep } from './record-step.ts';

export interface StreamJoinSide {
  readonly store: string;
  /** Whether this side's records that never joined are emitted (with null): the left of a left join, both of an outer join. */
  readonly emitsUnjoined: boolean;
}

export interface StreamStreamJoinOptions<K, VL, VR, VOut> {
  readonly left: StreamJoinSide;
  readonly right: StreamJoinSide;
  readonly windows: JoinWindows;
  readonly joiner: (leftValue: VL | null, rightValue: VR | null, key: K) => VOut;
  readonly keySerde: Serde<K> | undefined;
}

/** What the two sides of one join share in a task (Kafka's window stores, outer-join store and TimeTracker). */
class StreamJoinState<K, VL, VR> {
  /** The largest timestamp either side of the join has seen, null values and keys included. */
  streamTime = -Infinity;
  /** Kafka's lower bound of the outer-join candidates' times (Long.MAX_VALUE while it knows none). */
  minTime = Infinity;
  readonly candidates: OuterJoinCandidates<K, unknown> | undefined;

  constructor(
    readonly left: JoinBuffer<K, VL>,
    readonly right: JoinBuffer<K, VR>,
    options: StreamStreamJoinOptions<K, VL, VR, unknown>,
  ) {
    if (!options.left.emitsUnjoined) return;
    this.candidates = new OuterJoinCandidates<K, unknown>(options.keySerde);
    for (const item of left.unsettled()) this.candidates.add(item, true);
    if (options.right.emitsUnjoined) for (const item of right.unsettled()) this.candidates.add(item, false);
  }
}

function state<K, VL, VR>(node: NodeContext, options: StreamStreamJoinOptions<K, VL, VR, unknown>): StreamJoinState<K, VL, VR> {
  const { windows, keySerde } = options;
  // Kafka's join window stores keep records for the window's size plus grace.
  const retention = windows.beforeMs + windows.afterMs + windows.graceMs;
  return node.task.shared(`stream-join:${options.left.store}:${options.right.store}`, () => {
    const buffer = <V>(store: string) => new JoinBuffer<K, V>(node.store<KeyValueStore<JoinBufferKey<K>, JoinBufferEntry<V>>>(store), keySerde, retention);
    return new StreamJoinState<K, VL, VR>(buffer<VL>(options.left.store), buffer<VR>(options.right.store), options);
  });
}

/**
 * One side of a windowed stream-stream join, as Kafka Streams 4.1's KStreamKStreamJoin (with its
 * fix for spurious left/outer results). A record looks up the other side's records of its key
 * within the window that the other side's store still retains (its latest time minus before +
 * after + grace), however late the record itself is, and joins each (the result is stamped with
 * the later time); then it is buffered on its side. A record of an outer side that finds none
 * waits to be emitted with null, unless its window closed already, when it is emitted at once.
 * Waiting records are emitted, in the order of Kafka's outer-join store, only when a record
 * arrives at the join's stream time and the lower bound of their times says one may be due; a
 * pass leaves that bound at the last record it looked at, as Kafka's does (see
 * docs/conformance.md). Records with a null value advance the join's stream time and are dropped;
 * an outer side emits a record with a null key at once with null.
 */
export function streamStreamJoinStep<K, VL, VR, VOut>(options: StreamStreamJoinOptions<K, VL, VR, VOut>, thisIsLeft: boolean) {
  const { windows, joiner } = options;
  const grace = windows.graceMs;
  // A left record at t meets right records in [t - before, t + after]; a right record at t meets
  // left records in [t - after, t + before].
  const joinBefore = thisIsLeft ? windows.beforeMs : windows.afterMs;
  const joinAfter = thisIsLeft ? windows.afterMs : windows.beforeMs;
  const outer = thisIsLeft ? options.left.emitsUnjoined : options.right.emitsUnjoined;
  const join = (key: K, thisValue: unknown, otherValue: unknown): VOut =>
    thisIsLeft ? joiner(thisValue as VL | null, otherValue as VR | null, key) : joiner(otherValue as VL | null, thisValue as VR | null, key);
  return nodeStep<K, unknown, K, VOut>((node) => {
    const shared = state<K, VL, VR>(node, options as StreamStreamJoinOptions<K, VL, VR, unknown>);
    const own = (thisIsLeft ? shared.left : shared.right) as JoinBuffer<K, unknown>;
    const other = (thisIsLeft ? shared.right : shared.left) as JoinBuffer<K, unknown>;
    const task = node.task;

    /** Kafka's emitNonJoinedOuterRecords: emits the waiting records whose window closed. */
    const emitClosed = (headers: unknown, out: { next(record: { key: K; value: VOut; timestamp: number; headers: never }): void }): void => {
      const candidates = shared.candidates!;
      // Kafka adds to a Long.MAX_VALUE bound, which overflows (and so never stops it) unless after + grace is 0.
      const bound = shared.minTime === Infinity ? (joinAfter + grace > 0 ? -Infinity : Infinity) : shared.minTime + joinAfter + grace;
      if (bound >= shared.streamTime) return;
      shared.minTime = Infinity;
      let leftOpen = false;
      let rightOpen = false;
      candidates.walk((candidate) => {
        const { timestamp, key } = candidate.item.storeKey;
        shared.minTime = timestamp;
        if (leftOpen && rightOpen) return 'stop';
        const lookBack = candidate.left ? windows.afterMs : windows.beforeMs;
        if (timestamp + lookBack + grace >= shared.streamTime) {
          if (candidate.left) leftOpen = true;
          else rightOpen = true;
          return 'keep';
        }
        const value = candidate.item.entry.value;
        const result = candidate.left ? joiner(value as VL, null, key) : joiner(null, value as VR, key);
        (candidate.left ? shared.left : shared.right).settle(candidate.item as never);
        out.next({ key, value: result, timestamp, headers: headers as never });
        return 'emit';
      });
    };

    return (record, out) => {
      const { key, value, timestamp } = record;
      shared.streamTime = Math.max(shared.streamTime, timestamp);
      if (outer && (key === null || key === undefined) && value !== null && value !== undefined) {
        out.next({ key, value: join(key, value, null), timestamp, headers: record.headers });
        return;
      }
      if (key === null || key === undefined || value === null || value === undefined) {
        task.metrics.droppedRecords++;
        task.logger.debug('Skipping a record with a null key or value in a stream-stream join', task.location(node.name) as Record<string, unknown>);
        return;
      }
      if (timestamp === shared.streamTime && shared.candidates !== undefined) emitClosed(record.headers, out as never);
      const timeFrom = Math.max(0, timestamp - joinBefore);
      const timeTo = Math.max(0, timestamp + joinAfter);
      const matches = other.fetch(key, timeFrom, timeTo);
      for (const match of matches) {
        if (shared.candidates !== undefined) other.settle(match);
        out.next({ key, value: join(key, value, match.entry.value), timestamp: Math.max(timestamp, match.storeKey.timestamp), headers: record.headers });
      }
      let waits = false;
      if (outer && matches.length === 0) {
        if (shared.candidates === undefined || timeTo < shared.streamTime) {
          out.next({ key, value: join(key, value, null), timestamp, headers: record.headers });
        } else {
          shared.minTime = Math.min(shared.minTime, timestamp);
          waits = true;
        }
      }
      // As Kafka's KStreamJoinWindow, the record enters its own side's store after the join.
      const item = own.add(key, timestamp, value, !waits);
      if (waits) shared.candidates!.add(item, thisIsLeft);
      own.expire();
    };
  });
}
