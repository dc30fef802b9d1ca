import { DEFAULT_METRIC_CONFIG, type MetricConfig } from './metric-config.ts';
import { metricKey, type MetricName, type MetricValue } from './metric-name.ts';
import { shouldRecord, type RecordingLevel } from './recording-level.ts';
import { Sensor } from './sensor.ts';

interface Registered {
  readonly name: MetricName;
  readonly read: (nowMs: number) => number | string;
  readonly owner: object;
}

/**
 * Every metric of one host (a KafkaStreams instance, a test driver), as Kafka's Metrics: sensors
 * and gauges registered by owners (a thread, a task, a store), measured on demand. An owner that
 * goes away (a closed task) removes what it registered; one registered anew under the same name
 * (the task created again) replaces it, and the old owner's removal leaves the new one alone.
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Registered>();
  private readonly sensors = new Map<object, Map<string, Sensor>>();
  /** Called before measuring: owners that count on the hot path turn their counters into sensor records. */
  private readonly syncs = new Map<object, (nowMs: number) => void>();

  constructor(
    readonly config: MetricConfig = DEFAULT_METRIC_CONFIG,
    readonly now: () => number = Date.now,
  ) {}

  /** Whether sensors of this level record at the configured level. */
  records(level: RecordingLevel): boolean {
    return shouldRecord(level, this.config.recordingLevel);
  }

  /**
   * The owner's sensor of this name, created on first use; undefined when its level is off, so
   * that the caller compiles the recording away instead of checking on every record.
   */
  sensor(owner: object, name: string, level: RecordingLevel): Sensor | undefined {
    if (!this.records(level)) return undefined;
    let byName = this.sensors.get(owner);
    if (!byName) this.sensors.set(owner, (byName = new Map()));
    let sensor = byName.get(name);
    if (!sensor) byName.set(name, (sensor = new Sensor(name, this, owner, this.now)));
    return sensor;
  }

  /** A metric read when measured: a gauge (`state`, `estimate-num-keys`) or a sensor's stat. */
  add(name: MetricName, read: (nowMs: number) => number | string, owner: object): void {
    this.metrics.set(metricKey(name.group, name.name, name.tags), { name, read, owner });
  }

  /** Runs before every measurement, e.g. to record what the owner counted since. */
  onMeasure(owner: object, sync: (nowMs: number) => void): void {
    this.syncs.set(owner, sync);
  }

  /** Removes the owner's sensors, metrics and hooks. */
  remove(owner: object): void {
    this.sensors.delete(owner);
    this.syncs.delete(owner);
    for (const [key, metric] of this.metrics) if (metric.owner === owner) this.metrics.delete(key);
  }

  /** Every metric's current value. */
  snapshot(nowMs = this.now()): MetricValue[] {
    for (const sync of this.syncs.values()) sync(nowMs);
    const values: MetricValue[] = [];
    for (const { name, read } of this.metrics.values())
      values.push({ group: name.group, name: name.name, tags: name.tags, description: name.description, value: read(nowMs) });
    return values;
  }
}
