import type { StateStore } from '../state/state-store.ts';
import type { NodeContext } from '../topology/internal/node-context.ts';
import type { TaskContext } from './task-context.ts';

/** One node of one task: the NodeContext its implementation gets, with the whole task behind it for the Processor API. */
export class TaskNode implements NodeContext {
  constructor(
    readonly name: string,
    readonly task: TaskContext,
    readonly connectedStores: ReadonlySet<string>,
  ) {}

  error(error: unknown): void {
    this.task.processingError(error, this.name);
  }

  store<S extends StateStore>(name: string): S {
    return this.task.getStateStore<S>(name, this.name, this.connectedStores);
  }
}
