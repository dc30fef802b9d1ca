import type { MetricConfig } from './metric-config.ts';
import type { MetricName } from './metric-name.ts';
import type { MeasurableStat } from './stat.ts';

/** Where a sensor's stats become metrics: the registry, under the owner that created the sensor. */
export interface SensorMetrics {
  readonly config: MetricConfig;
  add(name: MetricName, read: (nowMs: number) => number, owner: object): void;
}

/**
 * Records values into its stats (Kafka's Sensor): one `record(latency)` updates the average and
 * the maximum, one `record()` the rate and the total. A sensor exists only when its recording
 * level is on, so a host asks for it once and records without checking the level again.
 */
export class Sensor {
  private readonly stats: MeasurableStat[] = [];

  constructor(
    readonly name: string,
    private readonly metrics: SensorMetrics,
    private readonly owner: object,
    private readonly now: () => number,
  ) {}

  /** Adds a stat, measured as the metric `name`. */
  add(name: MetricName, stat: MeasurableStat): this {
    this.stats.push(stat);
    const config = this.metrics.config;
    this.metrics.add(name, (nowMs) => stat.measure(config, nowMs), this.owner);
    return this;
  }

  record(value = 1, nowMs = this.now()): void {
    const config = this.metrics.config;
    for (const stat of this.stats) stat.record(config, value, nowMs);
  }
}
