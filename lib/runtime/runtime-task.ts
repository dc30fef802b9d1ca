import type { Subscription } from 'rxjs';
import { Fanout } from '../task/fanout.ts';
import type { StreamsException } from '../errors.ts';
import { StreamTask, type TaskInput, type TaskOutput } from '../task/stream-task.ts';
import type { TaskOptions } from '../task/task-options.ts';

/**
 * A task as the Kafka runtime holds it: the compiled pipeline fed record by record from fetched
 * batches, and the outputs it produced that are not yet sent.
 */
export class RuntimeTask {
  readonly task: StreamTask;
  /** Outputs waiting for the next send; the runtime takes them all at once. */
  outputs: TaskOutput[] = [];
  failure: StreamsException | undefined;
  private readonly input = new Fanout<TaskInput>();
  private readonly subscription: Subscription;

  constructor(options: (outputs: (record: TaskOutput) => void) => TaskOptions) {
    this.task = new StreamTask(options((record) => this.outputs.push(record)));
    this.subscription = this.input.pipe(this.task.pipeline).subscribe({
      next: (record) => this.outputs.push(record),
      error: (error) => {
        this.failure ??= error as StreamsException;
      },
    });
  }

  get id(): string {
    return this.task.id;
  }

  /** Runs one record through the task; false once the task has failed. */
  process(record: TaskInput): boolean {
    if (this.failure) return false;
    this.input.next(record);
    return this.failure === undefined;
  }

  takeOutputs(): TaskOutput[] {
    const outputs = this.outputs;
    this.outputs = [];
    return outputs;
  }

  /** Completes the input, which closes the processors, then closes the stores. */
  close(): void {
    this.input.complete();
    this.subscription.unsubscribe();
    this.task.context.closeStores();
  }
}
