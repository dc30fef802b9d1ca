import { LastValue } from './cumulative-stats.ts';
import { CLIENT_ID_TAG, CONSUMER_FETCH_GROUP } from './metric-groups.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import type { Sensor } from './sensor.ts';
import { Avg, Max } from './windowed-stats.ts';

/**
 * How far a consumer is behind, per partition, as Kafka's consumer reports it
 * (`consumer-fetch-manager-metrics`): `records-lag` (the latest), `records-lag-avg` and
 * `records-lag-max` over the sample windows, and the client's `records-lag-max` over all its
 * partitions. The lag is what kafkajs reports with each fetched batch: its high watermark minus
 * the offset after the batch's last record.
 */
export class ConsumerLagMetrics {
  private readonly partitions = new Map<string, { readonly owner: object; readonly sensor: Sensor }>();
  private readonly clientMax: Sensor | undefined;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly clientId: string,
  ) {
    const tags = { [CLIENT_ID_TAG]: clientId };
    this.clientMax = registry.sensor(this, 'records-lag', 'INFO')?.add(
      {
        group: CONSUMER_FETCH_GROUP,
        name: 'records-lag-max',
        tags,
        description: 'The maximum lag in terms of number of records for any partition in this window',
      },
      new Max(),
    );
  }

  /** The consumer fetched a batch of this partition, `lag` records short of its high watermark. */
  fetched(topic: string, partition: number, lag: number, nowMs: number): void {
    const key = `${topic}\u0000${partition}`;
    let entry = this.partitions.get(key);
    if (!entry) {
      const owner = {};
      const tags = { [CLIENT_ID_TAG]: this.clientId, topic, partition: String(partition) };
      const sensor = this.registry.sensor(owner, 'records-lag', 'INFO');
      if (!sensor) return;
      sensor
        .add({ group: CONSUMER_FETCH_GROUP, name: 'records-lag', tags, description: 'The latest lag of the partition' }, new LastValue())
        .add({ group: CONSUMER_FETCH_GROUP, name: 'records-lag-avg', tags, description: 'The average lag of the partition' }, new Avg())
        .add({ group: CONSUMER_FETCH_GROUP, name: 'records-lag-max', tags, description: 'The max lag of the partition' }, new Max());
      this.partitions.set(key, (entry = { owner, sensor }));
    }
    entry.sensor.record(lag, nowMs);
    this.clientMax?.record(lag, nowMs);
  }

  /** The partition is no longer this consumer's: its lag metrics go, as Kafka's consumer drops them. */
  forget(topic: string, partition: number): void {
    const key = `${topic}\u0000${partition}`;
    const entry = this.partitions.get(key);
    if (!entry) return;
    this.partitions.delete(key);
    this.registry.remove(entry.owner);
  }

  close(): void {
    for (const { owner } of this.partitions.values()) this.registry.remove(owner);
    this.partitions.clear();
    this.registry.remove(this);
  }
}
