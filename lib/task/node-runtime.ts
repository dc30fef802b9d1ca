import type { StateStore } from '../state/state-store.ts';
import type { TaskContext } from './task-context.ts';

/** One node of one task, as its implementation sees it. */
export class NodeRuntime {
  constructor(
    readonly name: string,
    readonly task: TaskContext,
    readonly connectedStores: ReadonlySet<string>,
  ) {}

  /** A user function of this node threw for the current record. */
  error(error: unknown): void {
    this.task.processingError(error, this.name);
  }

  store<S extends StateStore>(name: string): S {
    return this.task.getStateStore<S>(name, this.name, this.connectedStores);
  }
}
