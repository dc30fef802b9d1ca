import { ConsumerLagMetrics } from './consumer-lag-metrics.ts';
import { THREAD_GROUP, THREAD_ID_TAG } from './metric-groups.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import { LastValue } from './cumulative-stats.ts';
import { RestoreMetrics, type RestoreReport } from './restore-metrics.ts';
import type { Sensor } from './sensor.ts';
import { StandbyMetrics } from './standby-metrics.ts';
import { addAvgAndMax, addRateAndTotal, addRateOfSumAndSum } from './sensor-stats.ts';
import type { TaskMetrics } from './task-metrics.ts';

/** What the thread reads of a fetched batch (kafkajs' Batch has it). */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly unknown[];
  /** The high watermark minus one minus the batch's last offset, as kafkajs computes it. */
  offsetLag(): string;
}

/** What each ratio measures, in recordRatios' order (Kafka's descriptions; poll: what ours measures). */
const RATIO_WORK = {
  process: 'processing active tasks',
  punctuate: 'punctuating active tasks',
  poll: 'waiting for records from the consumer',
  commit: 'committing all tasks',
};

/** Time spent on each part of a thread's work since the ratios were last recorded, in ms. */
interface TimeSpent {
  process: number;
  punctuate: number;
  commit: number;
}

/**
 * One stream thread's metrics (`stream-thread-metrics`, tag `thread-id`), all at INFO as in
 * Kafka Streams, recorded once per batch or per commit, never per record: process, poll,
 * commit and punctuate rates, totals, latencies and ratios, tasks created and closed; plus its
 * consumer's lag, its tasks' restoration and its standbys' updates.
 *
 * Kafka records the ratios once per iteration of its thread's poll loop. A thread here has no
 * loop that blocks in poll: kafkajs hands it batches while commits are under way, so each ratio
 * is the time spent since the last measurement (a `metrics()` call, or `metricsIntervalMs`),
 * over that time, and `poll-ratio` is the rest, the time it waited for records.
 */
export class ThreadMetrics {
  readonly consumerLag: ConsumerLagMetrics;
  readonly restore: RestoreMetrics;
  readonly standby: StandbyMetrics;
  private readonly process: Sensor | undefined;
  private readonly processLatency: Sensor | undefined;
  private readonly processRecords: Sensor | undefined;
  private readonly poll: Sensor | undefined;
  private readonly pollRecords: Sensor | undefined;
  private readonly commit: Sensor | undefined;
  private readonly punctuate: Sensor | undefined;
  private readonly taskCreatedSensor: Sensor | undefined;
  private readonly taskClosedSensor: Sensor | undefined;
  private readonly spent: TimeSpent = { process: 0, punctuate: 0, commit: 0 };
  private ratiosSince: number;

  /** `clock` measures the time spent (ms, sub-millisecond: batches take less than one). */
  constructor(
    readonly registry: MetricsRegistry,
    readonly threadId: string,
    private readonly clock: () => number = () => performance.now(),
  ) {
    const tags = { [THREAD_ID_TAG]: threadId };
    const sensor = (name: string) => registry.sensor(this, name, 'INFO');
    const with_ = (s: Sensor | undefined, add: (s: Sensor) => unknown) => (s && add(s), s);
    this.process = with_(sensor('process'), (s) => addRateOfSumAndSum(s, THREAD_GROUP, tags, 'process', 'calls to process'));
    this.processLatency = with_(sensor('process-latency'), (s) => addAvgAndMax(s, THREAD_GROUP, tags, 'process-latency', 'process latency in ms'));
    this.processRecords = with_(sensor('process-records'), (s) =>
      addAvgAndMax(s, THREAD_GROUP, tags, 'process-records', 'number of records processed within an iteration'),
    );
    this.poll = with_(sensor('poll'), (s) => addRateAndTotal(s, THREAD_GROUP, tags, 'poll', 'calls to poll'));
    this.pollRecords = with_(sensor('poll-records'), (s) =>
      addAvgAndMax(s, THREAD_GROUP, tags, 'poll-records', 'number of records polled from consumer within an iteration'),
    );
    this.commit = with_(sensor('commit'), (s) =>
      addAvgAndMax(addRateAndTotal(s, THREAD_GROUP, tags, 'commit', 'calls to commit'), THREAD_GROUP, tags, 'commit-latency', 'commit latency in ms'),
    );
    this.punctuate = with_(sensor('punctuate'), (s) => addRateOfSumAndSum(s, THREAD_GROUP, tags, 'punctuate', 'calls to punctuate'));
    this.taskCreatedSensor = with_(sensor('task-created'), (s) => addRateAndTotal(s, THREAD_GROUP, tags, 'task-created', 'newly created tasks'));
    this.taskClosedSensor = with_(sensor('task-closed'), (s) => addRateAndTotal(s, THREAD_GROUP, tags, 'task-closed', 'closed tasks'));
    const started = registry.now();
    registry.add({ group: THREAD_GROUP, name: 'thread-start-time', tags, description: 'The time that the thread was started' }, () => started, this);
    this.consumerLag = new ConsumerLagMetrics(registry, `${threadId}-consumer`);
    this.restore = new RestoreMetrics(registry, threadId);
    this.standby = new StandbyMetrics(registry, threadId);
    this.ratiosSince = clock();
    const ratios = Object.entries(RATIO_WORK).map(([part, what]) => {
      const ratio = sensor(`${part}-ratio`);
      ratio?.add({ group: THREAD_GROUP, name: `${part}-ratio`, tags, description: `The fraction of time the thread spent on ${what}` }, new LastValue());
      return ratio;
    });
    if (ratios[0]) registry.onMeasure(this, (now) => this.recordRatios(ratios as Sensor[], now));
  }

  /** A thread is the scope of its own tasks' metrics (a TaskMetricsScope with itself as the thread). */
  get thread(): ThreadMetrics {
    return this;
  }

  /** The consumer handed over a batch: counts a poll and records the partition's lag. */
  fetched(batch: FetchedBatch): void {
    const now = this.registry.now();
    this.poll?.record(1, now);
    this.pollRecords?.record(batch.messages.length, now);
    this.consumerLag.fetched(batch.topic, batch.partition, Math.max(0, Number(batch.offsetLag())), now);
  }

  /**
   * Runs `processing` (a task processing what it has buffered) between two syncs of the task: the
   * first sets the time its end-to-end latencies measure against, the second counts what it
   * processed towards the thread's process rate, total and per-record latency.
   */
  timeProcessing(task: TaskMetrics, processing: (nowMs: number) => void): void {
    const started = this.registry.now();
    task.sync(started);
    const busySince = this.clock();
    const punctuatedBefore = task.punctuatedMs;
    processing(started);
    // Stream-time punctuations fire while processing; their time counts as punctuating.
    this.spent.process += this.clock() - busySince - (task.punctuatedMs - punctuatedBefore);
    const now = this.registry.now();
    const processed = task.sync(now);
    if (processed === 0) return;
    this.processRecords?.record(processed, now);
    this.processLatency?.record((now - started) / processed, now);
  }

  /** Called by the thread's tasks as they sync: records processed and punctuations fired since. */
  counted(processed: number, punctuated: number, nowMs: number): void {
    if (processed > 0) this.process?.record(processed, nowMs);
    if (punctuated > 0) this.punctuate?.record(punctuated, nowMs);
  }

  /** Times a commit of the thread's tasks: commit rate, total and latency. */
  async timeCommit<T>(commit: () => Promise<T>): Promise<T> {
    const started = this.registry.now();
    const busySince = this.clock();
    try {
      const result = await commit();
      // As Kafka, a commit counts (rate, total, latency) once it succeeded; its time counts anyway.
      const now = this.registry.now();
      this.commit?.record(now - started, now);
      return result;
    } finally {
      this.spent.commit += this.clock() - busySince;
    }
  }

  /** A task's punctuators ran this long since its last sync, in ms (called by its TaskMetrics). */
  punctuatedFor(ms: number): void {
    this.spent.punctuate += ms;
  }

  private recordRatios([process, punctuate, poll, commit]: Sensor[], nowMs: number): void {
    const now = this.clock();
    const elapsed = now - this.ratiosSince;
    if (elapsed <= 0) return;
    const spent = this.spent;
    // Commits overlap processing (kafkajs hands over batches meanwhile): each ratio is capped at 1.
    const ratio = (ms: number) => Math.min(1, ms / elapsed);
    process!.record(ratio(spent.process), nowMs);
    punctuate!.record(ratio(spent.punctuate), nowMs);
    commit!.record(ratio(spent.commit), nowMs);
    poll!.record(Math.max(0, 1 - ratio(spent.process + spent.punctuate + spent.commit)), nowMs);
    spent.process = spent.punctuate = spent.commit = 0;
    this.ratiosSince = now;
  }

  taskCreated(): void {
    this.taskCreatedSensor?.record();
  }

  taskClosed(): void {
    this.taskClosedSensor?.record();
  }

  restoreProgress(report: RestoreReport): void {
    this.restore.progress(report);
  }

  close(): void {
    this.consumerLag.close();
    this.restore.close();
    this.standby.close();
    this.registry.remove(this);
  }
}
