import { Observable, interval, map, takeWhile } from 'rxjs';
import { metricConfig, type MetricsSettings } from './metric-config.ts';
import { CLIENT_GROUP, CLIENT_ID_TAG } from './metric-groups.ts';
import type { MetricValue } from './metric-name.ts';
import { MetricsRegistry } from './metrics-registry.ts';
import { ThreadMetrics } from './thread-metrics.ts';

/** What the client-level gauges read of a KafkaStreams instance. */
export interface ClientView {
  readonly applicationId: string;
  /** `<applicationId>-<processId>`, as Kafka Streams' client id. */
  readonly clientId: string;
  readonly topologyDescription: () => string;
  readonly state: () => string;
  readonly aliveStreamThreads: () => number;
  readonly failedStreamThreads: () => number;
}

/**
 * The metrics of one KafkaStreams instance: its registry, the client gauges (`stream-metrics`,
 * tag `client-id`), and one ThreadMetrics per stream thread.
 */
export class ClientMetrics {
  readonly registry: MetricsRegistry;

  constructor(settings: MetricsSettings, client: ClientView) {
    this.registry = new MetricsRegistry(metricConfig(settings));
    const tags = { [CLIENT_ID_TAG]: client.clientId };
    const gauge = (name: string, description: string, read: () => number | string) =>
      this.registry.add({ group: CLIENT_GROUP, name, tags, description }, read, this);
    gauge('application-id', 'The application ID of the Kafka Streams client', () => client.applicationId);
    gauge('topology-description', 'The description of the topology executed in the Kafka Streams client', client.topologyDescription);
    gauge('state', 'The state of the Kafka Streams client', client.state);
    gauge('alive-stream-threads', 'The current number of alive stream threads that are running or participating in rebalance', client.aliveStreamThreads);
    gauge('failed-stream-threads', 'The number of failed stream threads since the start of the Kafka Streams client', client.failedStreamThreads);
  }

  /** The metrics of a new stream thread of this instance. */
  thread(threadId: string): ThreadMetrics {
    return new ThreadMetrics(this.registry, threadId);
  }

  snapshot(): MetricValue[] {
    return this.registry.snapshot();
  }
}

/**
 * A snapshot of `read()` every `intervalMs` while `live()` holds; it completes after the first
 * tick on which it no longer does (the instance closed).
 */
export function metricSnapshots(intervalMs: number, read: () => MetricValue[], live: () => boolean): Observable<MetricValue[]> {
  return interval(intervalMs).pipe(takeWhile(live, true), map(read));
}
