import type { MetricTags } from './metric-name.ts';
import { PROCESSOR_NODE_GROUP } from './metric-groups.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import { Avg, Max, Min } from './windowed-stats.ts';

/**
 * `record-e2e-latency-avg/min/max` of one source or sink node (`stream-processor-node-metrics`,
 * INFO): how long after its timestamp a record reached the node. Recorded for every record, so
 * the record only adds to a sum, a count, a minimum and a maximum, against the time cached at
 * the start of the batch; the task's sync moves those into the sampled stats and sets the time.
 * A source's count is also what its task processed.
 */
export class EndToEndLatency {
  private sum = 0;
  private count = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private readonly avgStat = new Avg();
  private readonly minStat = new Min();
  private readonly maxStat = new Max();
  private readonly config: MetricsRegistry['config'];
  /** The wall-clock time latencies are measured against: the time of the last flush. */
  private nowMs: number;

  constructor(registry: MetricsRegistry, tags: MetricTags, owner: object) {
    const config = registry.config;
    const what =
      'end-to-end latency of a record, measuring by comparing the record timestamp with the system time when it has been fully processed by the node';
    registry.add(
      { group: PROCESSOR_NODE_GROUP, name: 'record-e2e-latency-avg', tags, description: `The average ${what}` },
      (now) => this.avgStat.measure(config, now),
      owner,
    );
    registry.add(
      { group: PROCESSOR_NODE_GROUP, name: 'record-e2e-latency-min', tags, description: `The minimum ${what}` },
      (now) => this.minStat.measure(config, now),
      owner,
    );
    registry.add(
      { group: PROCESSOR_NODE_GROUP, name: 'record-e2e-latency-max', tags, description: `The maximum ${what}` },
      (now) => this.maxStat.measure(config, now),
      owner,
    );
    this.config = config;
    this.nowMs = registry.now();
  }

  record(timestamp: number): void {
    const latency = this.nowMs - timestamp;
    this.sum += latency;
    this.count++;
    if (latency < this.min) this.min = latency;
    if (latency > this.max) this.max = latency;
  }

  /** Moves what was recorded since the last flush into the sampled stats; returns how many records that was. */
  flush(nowMs: number): number {
    this.nowMs = nowMs;
    const count = this.count;
    if (count === 0) return 0;
    this.avgStat.record(this.config, this.sum, nowMs, count);
    this.minStat.record(this.config, this.min, nowMs, count);
    this.maxStat.record(this.config, this.max, nowMs, count);
    this.sum = 0;
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    return count;
  }
}
