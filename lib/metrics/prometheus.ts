import type { Registry } from 'prom-client';
import type { MetricValue } from './metric-name.ts';

/** Anything with metrics: a KafkaStreams instance, a TopologyTestDriver. */
export interface MetricsSource {
  /** A snapshot of every metric; `registerMetrics` takes one per scrape. */
  metrics(): readonly MetricValue[];
}

/**
 * The Prometheus name of a metric, as the JMX exporter's usual Kafka Streams rules give it:
 * `kafka_streams_<group>_<name>` with every character Prometheus does not allow as `_`.
 */
export function prometheusName(group: string, name: string): string {
  return `kafka_streams_${group}_${name}`.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** A tag as a Prometheus label name: `thread-id` becomes `thread_id`. */
export function prometheusLabel(tag: string): string {
  return tag.replace(/[^a-zA-Z0-9_]/g, '_');
}

interface Family {
  readonly name: string;
  readonly help: string;
}

/**
 * Adds the metrics of `app` to a prom-client registry, each as a gauge named by
 * `prometheusName` with the metric's tags as labels, read from `app.metrics()` when the
 * registry is scraped. String-valued metrics (`application-id`, `state`) are left out, as
 * Prometheus has no place for them. A metric that first appears after a scrape (a task created
 * later) is served from the next scrape on. Returns a function that removes them again.
 *
 * ```ts
 * import { Registry } from 'prom-client';
 * import { registerMetrics } from 'rx-kafka-streams/prometheus';
 * const registry = new Registry();
 * registerMetrics(app, registry);
 * // serve await registry.metrics() at /metrics
 * ```
 */
export function registerMetrics(app: MetricsSource, registry: Registry): () => void {
  const families = new Map<string, Family>();
  // One snapshot per scrape: prom-client asks every family in one synchronous run, so the
  // snapshot is dropped at the next microtask.
  let snapshot: Map<string, MetricValue[]> | undefined;
  const collect = (): Map<string, MetricValue[]> => {
    const byFamily = new Map<string, MetricValue[]>();
    for (const metric of app.metrics()) {
      if (typeof metric.value !== 'number') continue;
      const name = prometheusName(metric.group, metric.name);
      let values = byFamily.get(name);
      if (!values) byFamily.set(name, (values = []));
      values.push(metric);
      if (!families.has(name)) register({ name, help: metric.description || `${metric.group} ${metric.name}` });
    }
    return byFamily;
  };
  const read = (): Map<string, MetricValue[]> => {
    if (snapshot) return snapshot;
    snapshot = collect();
    queueMicrotask(() => (snapshot = undefined));
    return snapshot;
  };
  const register = (family: Family): void => {
    families.set(family.name, family);
    registry.registerMetric({
      name: family.name,
      help: family.help,
      type: 'gauge',
      get: () => ({
        name: family.name,
        help: family.help,
        type: 'gauge',
        aggregator: 'sum',
        values: (read().get(family.name) ?? []).map((metric) => ({
          value: metric.value as number,
          labels: Object.fromEntries(Object.entries(metric.tags).map(([tag, value]) => [prometheusLabel(tag), value])),
        })),
      }),
    } as unknown as Parameters<Registry['registerMetric']>[0]);
  };
  collect();
  return () => {
    for (const name of families.keys()) registry.removeSingleMetric(name);
    families.clear();
  };
}
