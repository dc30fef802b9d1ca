import { expect } from 'chai';
import { Registry } from 'prom-client';
import type { MetricValue } from '../../lib/metrics/metric-name.ts';
import { prometheusName, registerMetrics } from '../../lib/metrics/prometheus.ts';
import { Serdes, StreamsBuilder, consoleLogger } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const metric = (group: string, name: string, tags: Record<string, string>, value: number | string): MetricValue => ({
  group,
  name,
  tags,
  value,
  description: `${name} of ${group}`,
});

describe('registerMetrics (Prometheus)', () => {
  it('names metrics as the JMX exporter rules do: kafka_streams_<group>_<name>', () => {
    expect(prometheusName('stream-thread-metrics', 'process-total')).to.equal('kafka_streams_stream_thread_metrics_process_total');
    expect(prometheusName('stream-state-metrics', 'put-latency-avg')).to.equal('kafka_streams_stream_state_metrics_put_latency_avg');
  });

  it('serves each numeric metric as a gauge with its tags as labels, read at scrape time', async () => {
    let processed = 5;
    const source = {
      metrics: (): MetricValue[] => [
        metric('stream-thread-metrics', 'process-total', { 'thread-id': 't-1' }, processed),
        metric('stream-task-metrics', 'process-total', { 'thread-id': 't-1', 'task-id': '0_0' }, 2),
        metric('stream-task-metrics', 'process-total', { 'thread-id': 't-1', 'task-id': '0_1' }, 3),
        metric('stream-metrics', 'state', { 'client-id': 'c' }, 'RUNNING'),
      ],
    };
    const registry = new Registry();
    registerMetrics(source, registry);
    let text = await registry.metrics();
    expect(text).to.include('# HELP kafka_streams_stream_thread_metrics_process_total process-total of stream-thread-metrics');
    expect(text).to.include('# TYPE kafka_streams_stream_thread_metrics_process_total gauge');
    expect(text).to.include('kafka_streams_stream_thread_metrics_process_total{thread_id="t-1"} 5');
    expect(text).to.include('kafka_streams_stream_task_metrics_process_total{thread_id="t-1",task_id="0_0"} 2');
    expect(text).to.include('kafka_streams_stream_task_metrics_process_total{thread_id="t-1",task_id="0_1"} 3');
    expect(text, 'string metrics have no Prometheus value').to.not.include('kafka_streams_stream_metrics_state');
    processed = 9;
    text = await registry.metrics();
    expect(text).to.include('kafka_streams_stream_thread_metrics_process_total{thread_id="t-1"} 9');
  });

  it('serves a metric that appears after registration from the next scrape on, and unregisters', async () => {
    const metrics: MetricValue[] = [metric('stream-thread-metrics', 'poll-total', { 'thread-id': 't' }, 1)];
    const registry = new Registry();
    const unregister = registerMetrics({ metrics: () => metrics }, registry);
    metrics.push(metric('stream-task-metrics', 'dropped-records-total', { 'task-id': '1_0' }, 4));
    await registry.metrics();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await registry.metrics()).to.include('kafka_streams_stream_task_metrics_dropped_records_total{task_id="1_0"} 4');
    unregister();
    expect(await registry.metrics()).to.not.include('kafka_streams');
  });

  it('works over a TopologyTestDriver too', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('in', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.String() });
    const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 1000);
    try {
      driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 400);
      const registry = new Registry();
      registerMetrics(driver, registry);
      expect(await registry.metrics()).to.include(
        'kafka_streams_stream_processor_node_metrics_record_e2e_latency_max{thread_id="main",task_id="0_0",processor_node_id="KSTREAM-SOURCE-0000000000"} 600',
      );
    } finally {
      driver.close();
    }
  });
});
