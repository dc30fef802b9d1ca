/** A metric's tags, e.g. `{ 'thread-id': 'app-...-StreamThread-1', 'task-id': '0_1' }`. */
export type MetricTags = Readonly<Record<string, string>>;

/** What identifies a metric, as Kafka's MetricName: a group, a name and tags, with a description. */
export interface MetricName {
  /** The metric group, e.g. `stream-thread-metrics` or `stream-task-metrics`. */
  readonly group: string;
  /** The metric's name within its group, e.g. `process-rate` or `dropped-records-total`. */
  readonly name: string;
  /** The tags that tell apart the metrics of one group and name, e.g. `thread-id` and `task-id`. */
  readonly tags: MetricTags;
  /** What the metric measures, in words. */
  readonly description: string;
}

/**
 * One metric as `app.metrics()` and `driver.metrics()` return it. Most values are numbers; a few
 * client metrics (`application-id`, `state`, `topology-description`) are strings, as in Kafka.
 * A windowed average or extreme with no event in the window is `NaN`, as Kafka reports it.
 */
export interface MetricValue extends MetricName {
  /** The value at the time of the snapshot. */
  readonly value: number | string;
}

/** One string per metric: a group, a name and the same tags in any order name the same metric. */
export function metricKey(group: string, name: string, tags: MetricTags): string {
  const sorted = Object.keys(tags)
    .sort()
    .map((tag) => `${tag}=${tags[tag]}`);
  return `${group}:${name}:${sorted.join(',')}`;
}
