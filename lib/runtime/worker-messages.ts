import type { MetricValue } from '../metrics/metric-name.ts';
import type { AssignmentInfo } from './assignor/assignment-info.ts';
import type { TaskRestoreProgress, ThreadMetadata } from './kafka-streams.ts';
import type { StreamsState } from './streams-state.ts';

// What a stream thread on a worker and the instance that started it say to each other. Every
// message is structured-cloned, so only plain data travels: stores stay in the worker.

/** What the instance gives a worker: how to build the app, and who it is in the group. */
export interface StreamThreadWorkerData {
  /** The user's module whose default export builds `{ topology, config }`. */
  readonly threadModule: string;
  readonly processId: string;
  readonly threadIndex: number;
  /** tsx's ESM API (a file URL), whose register() runs first when the library runs from TypeScript sources. */
  readonly loader?: string;
}

/** Store reads an instance asks of its workers. */
export type StoreRead =
  | { readonly op: 'get'; readonly key: unknown }
  | { readonly op: 'range'; readonly from: unknown; readonly to: unknown }
  | { readonly op: 'all' }
  | { readonly op: 'count' };

export type ToWorker =
  { readonly type: 'query'; readonly id: number; readonly store: string; readonly stale: boolean; readonly read: StoreRead } | { readonly type: 'close' };

/** What a worker's tasks are, pushed on each change and now and then. */
export interface WorkerSnapshot {
  readonly state: StreamsState;
  readonly threads: readonly ThreadMetadata[];
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  /** The worker instance's metrics, as of this snapshot. */
  readonly metrics: readonly MetricValue[];
}

export type FromWorker =
  | { readonly type: 'started' }
  | { readonly type: 'snapshot'; readonly snapshot: WorkerSnapshot }
  | { readonly type: 'assignment'; readonly info: AssignmentInfo }
  | { readonly type: 'restoration'; readonly progress: TaskRestoreProgress }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'answer'; readonly id: number; readonly result?: unknown; readonly error?: { readonly name: string; readonly message: string } }
  | { readonly type: 'closed' };
