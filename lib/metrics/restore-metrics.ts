import { TASK_GROUP, TASK_ID_TAG, THREAD_ID_TAG } from './metric-groups.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import { addRateOfSumAndSum } from './sensor-stats.ts';

/** What a changelog restoration reports as it goes (the runtime's RestoreProgress, with its task). */
export interface RestoreReport {
  readonly taskId: string;
  readonly topic: string;
  readonly partition: number;
  readonly restored: number;
  readonly total: number;
}

/**
 * Restoration of a thread's active tasks (KIP-869), in `stream-task-metrics`:
 * `restore-remaining-records-total` (INFO), the records each task still has to replay from its
 * changelogs, and `restore-rate`/`restore-total` (DEBUG), the records replayed.
 */
export class RestoreMetrics {
  /** Per task, per changelog partition: records restored and to restore. */
  private readonly tasks = new Map<string, { readonly owner: object; readonly partitions: Map<string, { restored: number; total: number }> }>();

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly threadId: string,
  ) {}

  progress(report: RestoreReport, nowMs = this.registry.now()): void {
    const task = this.task(report.taskId);
    const key = `${report.topic}\u0000${report.partition}`;
    const previous = task.partitions.get(key);
    const replayed = report.restored - (previous?.restored ?? 0);
    task.partitions.set(key, { restored: report.restored, total: report.total });
    if (replayed > 0) this.registry.sensor(task.owner, 'restore', 'DEBUG')?.record(replayed, nowMs);
  }

  close(): void {
    for (const { owner } of this.tasks.values()) this.registry.remove(owner);
    this.tasks.clear();
  }

  private task(taskId: string): { readonly owner: object; readonly partitions: Map<string, { restored: number; total: number }> } {
    let task = this.tasks.get(taskId);
    if (task) return task;
    const owner = {};
    const partitions = new Map<string, { restored: number; total: number }>();
    const tags = { [THREAD_ID_TAG]: this.threadId, [TASK_ID_TAG]: taskId };
    this.registry.add(
      { group: TASK_GROUP, name: 'restore-remaining-records-total', tags, description: 'The number of records remaining to be restored' },
      () => {
        let remaining = 0;
        for (const { restored, total } of partitions.values()) remaining += Math.max(0, total - restored);
        return remaining;
      },
      owner,
    );
    const sensor = this.registry.sensor(owner, 'restore', 'DEBUG');
    if (sensor) addRateOfSumAndSum(sensor, TASK_GROUP, tags, 'restore', 'records restored');
    this.tasks.set(taskId, (task = { owner, partitions }));
    return task;
  }
}
