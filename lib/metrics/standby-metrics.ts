import { TASK_GROUP, TASK_ID_TAG, THREAD_ID_TAG } from './metric-groups.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import type { Sensor } from './sensor.ts';
import { addRateOfSumAndSum } from './sensor-stats.ts';

/**
 * What a thread's standby tasks apply from their changelogs (KIP-869), in `stream-task-metrics`:
 * `update-rate`/`update-total` (DEBUG), the records a standby replica applied. Kafka's
 * `update-rate` counts the calls that apply records; this one counts records, as `update-total`.
 */
export class StandbyMetrics {
  private readonly tasks = new Map<string, { readonly owner: object; readonly sensor: Sensor }>();
  private readonly on: boolean;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly threadId: string,
  ) {
    this.on = registry.records('DEBUG');
  }

  /** The standby task applied `records` changelog records. */
  updated(taskId: string, records: number, nowMs = this.registry.now()): void {
    if (!this.on || records === 0) return;
    let task = this.tasks.get(taskId);
    if (!task) {
      const owner = {};
      const tags = { [THREAD_ID_TAG]: this.threadId, [TASK_ID_TAG]: taskId };
      const sensor = addRateOfSumAndSum(this.registry.sensor(owner, 'update', 'DEBUG')!, TASK_GROUP, tags, 'update', 'records updated');
      this.tasks.set(taskId, (task = { owner, sensor }));
    }
    task.sensor.record(records, nowMs);
  }

  /** The standby task is gone from this thread (dropped, or made active): so are its metrics. */
  removed(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    this.registry.remove(task.owner);
    this.tasks.delete(taskId);
  }

  close(): void {
    for (const { owner } of this.tasks.values()) this.registry.remove(owner);
    this.tasks.clear();
  }
}
