import type { ErrorLocation } from '../../errors.ts';
import type { Change } from '../../ktable/change.ts';
import type { Logger } from '../../logger.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { CacheEmitter } from '../../state/record-cache.ts';
import type { StateStore } from '../../state/state-store.ts';

/** Where a step sends what it emits: the next subscriber, or the next step of a fused chain. */
export interface Emitter<R> {
  next(value: R): void;
}

/**
 * What a node's implementation may use of the task running it. Node definitions are written
 * against this, not against the task's classes, so that the topology layer does not depend on
 * the task layer that compiles it.
 */
export interface NodeTaskView {
  readonly logger: Logger;
  /** Largest timestamp seen so far; -1 before the first record. */
  readonly streamTime: number;
  /** Counters of what the task skipped; windows count the late records they drop. */
  readonly metrics: { droppedRecords: number };
  /** The task, node and current record, for errors and log lines. */
  location(nodeName?: string): ErrorLocation;
  /** State two nodes of one task share (both sides of a join use the same buffers), made once. */
  shared<T>(name: string, create: () => T): T;
  /** How a table processor writing `storeName` passes its updates on: at once or through a record cache. */
  changeForwarder<K, V>(storeName: string, identify?: (key: K) => unknown): (record: StreamRecord<K, Change<V>>, out: CacheEmitter<K, V>) => void;
}

/** One node of one task, as its implementation sees it. */
export interface NodeContext {
  readonly name: string;
  readonly task: NodeTaskView;
  /** A user function of this node threw for the current record: the task's handler decides. */
  error(error: unknown): void;
  /** A store connected to this node, or a global store. */
  store<S extends StateStore>(name: string): S;
}
