import type { StateStore } from '../state/state-store.ts';
import { cacheHitRatio } from './record-cache-metrics.ts';
import { EndToEndLatency } from './end-to-end-latency.ts';
import { PROCESSOR_NODE_GROUP, PROCESSOR_NODE_ID_TAG, TASK_GROUP, TASK_ID_TAG, THREAD_ID_TAG } from './metric-groups.ts';
import { MetricsRegistry } from './metrics-registry.ts';
import type { Sensor } from './sensor.ts';
import { addAvgAndMax, addRateOfSumAndSum } from './sensor-stats.ts';
import { meterStore } from './state-store-metrics.ts';
import type { ThreadMetrics } from './thread-metrics.ts';

/** Where a host's tasks register their metrics: its registry, under a thread id, and the thread's metrics if it has any. */
export interface TaskMetricsScope {
  readonly registry: MetricsRegistry;
  readonly threadId: string;
  readonly thread?: ThreadMetrics;
}

/**
 * One task's metrics (`stream-task-metrics`, tags `thread-id`, `task-id`) and those of its nodes,
 * stores and caches. On the per-record path the task only adds to its source and sink nodes'
 * end-to-end latency sums; `sync()`, once per batch and before every measurement, moves those into
 * the sensors: `process-rate/total` (DEBUG, as in Kafka), `punctuate-rate/total` (DEBUG), and
 * the thread's own totals. `dropped-records-rate/total` (INFO) is recorded as records drop.
 */
export class TaskMetrics {
  /** Punctuations fired. */
  punctuated = 0;
  /** Milliseconds spent in punctuators (performance.now()), for the thread's `punctuate-ratio`. */
  punctuatedMs = 0;
  /**
   * Records a record's lateness against the stream time it arrives at (`record-lateness-avg/max`,
   * DEBUG, as Kafka's PartitionGroup records it: 0 for a record that moves stream time on);
   * undefined at INFO, so the per-record path only checks it.
   */
  readonly recordLateness: ((streamTime: number, timestamp: number) => void) | undefined;
  /** The wall-clock time latencies are measured against, refreshed by each sync. */
  systemTimeMs: number;
  private syncedPunctuated = 0;
  private syncedPunctuatedMs = 0;
  private dropped = 0;
  private readonly registry: MetricsRegistry;
  private readonly threadId: string;
  private readonly thread: ThreadMetrics | undefined;
  private readonly tags: Readonly<Record<string, string>>;
  private readonly droppedSensor: Sensor | undefined;
  private readonly processSensor: Sensor | undefined;
  private readonly punctuateSensor: Sensor | undefined;
  private readonly latencies: { readonly latency: EndToEndLatency; readonly source: boolean; readonly process: Sensor | undefined }[] = [];
  private closed = false;
  private readonly groups: object[] = [];

  constructor(
    scope: TaskMetricsScope | undefined,
    readonly taskId: string,
  ) {
    // A host without metrics (runTopology) still counts: its tasks get a registry of their own.
    this.registry = scope?.registry ?? new MetricsRegistry();
    this.threadId = scope?.threadId ?? 'main';
    this.thread = scope?.thread;
    this.systemTimeMs = this.registry.now();
    this.tags = { [THREAD_ID_TAG]: this.threadId, [TASK_ID_TAG]: taskId };
    const sensor = this.registry.sensor(this, 'dropped-records', 'INFO');
    this.droppedSensor = sensor && addRateOfSumAndSum(sensor, TASK_GROUP, this.tags, 'dropped-records', 'dropped records');
    const process = this.registry.sensor(this, 'process', 'DEBUG');
    this.processSensor = process && addRateOfSumAndSum(process, TASK_GROUP, this.tags, 'process', 'calls to process');
    const punctuate = this.registry.sensor(this, 'punctuate', 'DEBUG');
    this.punctuateSensor = punctuate && addRateOfSumAndSum(punctuate, TASK_GROUP, this.tags, 'punctuate', 'calls to punctuate');
    const lateness = this.registry.sensor(this, 'record-lateness', 'DEBUG');
    if (lateness) {
      addAvgAndMax(lateness, TASK_GROUP, this.tags, 'record-lateness', 'lateness of records in ms, their timestamp against the stream time they arrive at');
      this.recordLateness = (streamTime, timestamp) => lateness.record(timestamp >= streamTime ? 0 : streamTime - timestamp, this.systemTimeMs);
    }
    this.registry.onMeasure(this, (now) => this.sync(now));
    this.thread?.taskCreated();
  }

  /** Records the task skipped: late records dropped by windows and joins, records a handler skipped. */
  get droppedRecords(): number {
    return this.dropped;
  }

  // Windows and joins write `droppedRecords++`: the setter records the step into the sensor.
  set droppedRecords(count: number) {
    const added = count - this.dropped;
    this.dropped = count;
    if (added > 0) this.droppedSensor?.record(added, this.systemTimeMs);
  }

  /** The end-to-end latency of a source or sink node; at DEBUG a source also reports its `process-rate/total`. */
  endToEndLatency(nodeName: string, source: boolean): EndToEndLatency {
    const tags = { ...this.tags, [PROCESSOR_NODE_ID_TAG]: nodeName };
    const latency = new EndToEndLatency(this.registry, tags, this);
    const sensor = source ? this.registry.sensor(this, `node.${nodeName}.process`, 'DEBUG') : undefined;
    const process = sensor && addRateOfSumAndSum(sensor, PROCESSOR_NODE_GROUP, tags, 'process', 'calls to process');
    this.latencies.push({ latency, source, process });
    return latency;
  }

  /**
   * The runtime task's buffered records (Kafka Streams' PartitionGroup): `enforced-processing-rate/total`
   * (times it went on without a partition it was waiting for) and `active-buffer-count` (records
   * buffered), both DEBUG as in Kafka; read when measured, nothing per record.
   */
  partitionGroup(group: { readonly enforcedProcessing: number; readonly size: number }): void {
    const sensor = this.registry.sensor(this, 'enforced-processing', 'DEBUG');
    if (!sensor) return;
    addRateOfSumAndSum(sensor, TASK_GROUP, this.tags, 'enforced-processing', 'times the task processed records while a partition it was waiting for had none');
    let recorded = 0;
    this.registry.onMeasure(group, (now) => {
      if (group.enforcedProcessing > recorded) sensor.record(group.enforcedProcessing - recorded, now);
      recorded = group.enforcedProcessing;
    });
    this.registry.add(
      { group: TASK_GROUP, name: 'active-buffer-count', tags: this.tags, description: 'The number of records the task has fetched and not processed yet' },
      () => group.size,
      this,
    );
    this.groups.push(group);
  }

  /** The store as the task should hold it: metered at DEBUG, reporting its key count at any level. */
  meterStore<S extends StateStore>(store: S): S {
    return meterStore(store, this.registry, this, this.threadId, this.taskId) as S;
  }

  /** Records a record cache's hits at DEBUG; undefined at INFO. */
  cacheHitRatio(storeName: string): ((hit: boolean) => void) | undefined {
    return cacheHitRatio(this.registry, this, this, this.threadId, this.taskId, storeName);
  }

  /**
   * Moves what was counted since the last sync into the sensors and sets the time latencies are
   * measured against; returns the records processed since (those that reached a source node:
   * records skipped before it count as dropped instead).
   */
  sync(nowMs: number): number {
    this.systemTimeMs = nowMs;
    let processed = 0;
    for (const { latency, source, process } of this.latencies) {
      const count = latency.flush(nowMs);
      if (!source || count === 0) continue;
      processed += count;
      process?.record(count, nowMs);
    }
    const punctuated = this.punctuated - this.syncedPunctuated;
    this.syncedPunctuated = this.punctuated;
    if (processed > 0) this.processSensor?.record(processed, nowMs);
    if (punctuated > 0) this.punctuateSensor?.record(punctuated, nowMs);
    this.thread?.counted(processed, punctuated, nowMs);
    if (punctuated > 0) {
      this.thread?.punctuatedFor(this.punctuatedMs - this.syncedPunctuatedMs);
      this.syncedPunctuatedMs = this.punctuatedMs;
    }
    return processed;
  }

  /** The task closed: what it counted last goes to the thread, and its metrics go away. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sync(this.registry.now());
    this.registry.remove(this);
    for (const group of this.groups) this.registry.remove(group);
    this.thread?.taskClosed();
  }
}
