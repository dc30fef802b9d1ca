import type { MetricTags, MetricValue } from './metric-name.ts';

/** Which metrics to pick: a group and name, and optionally tags they must all carry. */
export interface MetricQuery {
  /** The group the metrics must be in, e.g. `stream-task-metrics`. */
  readonly group: string;
  /** The name the metrics must have, e.g. `dropped-records-total`. */
  readonly name: string;
  /** Tags every picked metric must carry with these values (it may carry others too); none picks every metric of the group and name. */
  readonly tags?: MetricTags;
}

/** The metrics of a snapshot with this group and name whose tags include `tags`. */
export function findMetrics(metrics: readonly MetricValue[], query: MetricQuery): MetricValue[] {
  const wanted = Object.entries(query.tags ?? {});
  return metrics.filter((metric) => metric.group === query.group && metric.name === query.name && wanted.every(([tag, value]) => metric.tags[tag] === value));
}

/**
 * The sum of the numeric metrics that match, e.g. every task's dropped records:
 *
 * ```ts
 * import { metricSum } from 'rx-kafka-streams';
 * metricSum(app.metrics(), { group: 'stream-task-metrics', name: 'dropped-records-total' });
 * ```
 */
export function metricSum(metrics: readonly MetricValue[], query: MetricQuery): number {
  let sum = 0;
  for (const metric of findMetrics(metrics, query)) if (typeof metric.value === 'number' && !Number.isNaN(metric.value)) sum += metric.value;
  return sum;
}
