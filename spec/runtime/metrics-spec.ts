import { expect } from 'chai';
import { Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import { KafkaStreams, Serdes, StreamsBuilder, consoleLogger, findMetrics, metricSum, type MetricValue } from '../../lib/index.ts';
import { registerMetrics } from '../../lib/metrics/prometheus.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

const RECORDS = 200;

describe('KafkaStreams metrics on a broker', function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;
  let app: KafkaStreams | undefined;

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await kafka.close();
  });

  it('reports thread, task, state, lag and client metrics of a count, as Kafka names them, and serves them to Prometheus', async () => {
    const input = kafka.name('words');
    const output = kafka.name('counts');
    await kafka.createTopic(input, 2);
    await kafka.createTopic(output, 2);
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(input, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .groupByKey()
      .count({ storeName: 'word-counts' })
      .toStream()
      .to(output, { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
    app = new KafkaStreams(builder.build(), {
      applicationId: kafka.name('metrics'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 100,
      metricsRecordingLevel: 'DEBUG',
      metricsIntervalMs: 200,
      logger: consoleLogger('nothing'),
      kafkaLogLevel: 'nothing',
    });
    await app.start();
    await kafka.produce(
      input,
      Array.from({ length: RECORDS }, (_, i) => ({ key: `w${i % 20}`, value: 'x', partition: i % 2 })),
    );

    const thread = (metrics: MetricValue[], name: string): number => metricSum(metrics, { group: 'stream-thread-metrics', name });
    const counted = (): string =>
      JSON.stringify(findMetrics(app!.metrics(), { group: 'stream-task-metrics', name: 'process-total' }).map((m) => [m.tags['task-id'], m.value]));
    await waitFor(
      () => thread(app!.metrics(), 'process-total') >= RECORDS,
      60_000,
      () => `thread process-total ${thread(app!.metrics(), 'process-total')}, tasks ${counted()}`,
    );
    await waitFor(
      () => thread(app!.metrics(), 'commit-total') > 0,
      30_000,
      () => 'no commit counted',
    );
    // Caught up: the lag of both input partitions drops to 0.
    const lags = (): MetricValue[] =>
      findMetrics(app!.metrics(), { group: 'consumer-fetch-manager-metrics', name: 'records-lag' }).filter((m) => m.tags.topic === input);
    await waitFor(
      () => lags().length === 2 && lags().every((m) => m.value === 0),
      30_000,
      () => `lags ${JSON.stringify(lags().map((m) => [m.tags.partition, m.value]))}`,
    );

    const metrics = app.metrics();
    const threadId = findMetrics(metrics, { group: 'stream-thread-metrics', name: 'process-total' })[0]!.tags['thread-id']!;
    expect(threadId).to.match(/StreamThread-1$/);
    expect(thread(metrics, 'process-rate')).to.be.greaterThan(0);
    expect(thread(metrics, 'poll-total')).to.be.greaterThan(0);
    expect(thread(metrics, 'task-created-total')).to.equal(2);
    expect(thread(metrics, 'commit-latency-max')).to.be.a('number').and.not.NaN;
    // Fractions of the time since the last measurement; the thread processed and committed meanwhile.
    for (const part of ['process', 'punctuate', 'commit', 'poll']) expect(thread(metrics, `${part}-ratio`), `${part}-ratio`).to.be.within(0, 1);
    const ratioSum = ['process', 'punctuate', 'commit', 'poll'].reduce((sum, part) => sum + thread(metrics, `${part}-ratio`), 0);
    expect(ratioSum).to.be.at.least(1 - 1e-9);

    // Per task: what each processed adds up to the records produced, one task per partition.
    const tasks = findMetrics(metrics, { group: 'stream-task-metrics', name: 'process-total', tags: { 'thread-id': threadId } });
    expect(tasks.map((m) => m.tags['task-id']).sort()).to.deep.equal(['0_0', '0_1']);
    expect(tasks.reduce((sum, m) => sum + (m.value as number), 0)).to.equal(RECORDS);
    expect(metricSum(metrics, { group: 'stream-task-metrics', name: 'dropped-records-total' })).to.equal(0);
    const lateness = findMetrics(metrics, { group: 'stream-task-metrics', name: 'record-lateness-max', tags: { 'thread-id': threadId } });
    expect(lateness.map((m) => m.tags['task-id']).sort()).to.deep.equal(['0_0', '0_1']);
    for (const m of lateness) expect(m.value).to.be.a('number').and.at.least(0);

    // The store, by state-id, in each task: every record read a count and wrote one.
    for (const taskId of ['0_0', '0_1']) {
      const store = { 'thread-id': threadId, 'task-id': taskId, 'state-id': 'word-counts' };
      expect(metricSum(metrics, { group: 'stream-state-metrics', name: 'put-rate', tags: store }), `put-rate of ${taskId}`).to.be.greaterThan(0);
      expect(metricSum(metrics, { group: 'stream-state-metrics', name: 'get-rate', tags: store })).to.be.greaterThan(0);
      expect(metricSum(metrics, { group: 'stream-state-metrics', name: 'estimate-num-keys', tags: store })).to.equal(10);
    }
    expect(findMetrics(metrics, { group: 'stream-record-cache-metrics', name: 'hit-ratio-avg', tags: { 'record-cache-id': 'word-counts' } })).to.have.length(2);
    expect(findMetrics(metrics, { group: 'stream-processor-node-metrics', name: 'record-e2e-latency-max' }).length).to.be.greaterThanOrEqual(4);

    const client = (name: string): unknown => findMetrics(metrics, { group: 'stream-metrics', name })[0]?.value;
    expect(client('state')).to.equal('RUNNING');
    expect(client('alive-stream-threads')).to.equal(1);
    expect(client('application-id')).to.equal(kafka.name('metrics'));

    const snapshot = await firstValueFrom(app.metrics$);
    expect(thread(snapshot, 'process-total')).to.be.greaterThanOrEqual(RECORDS);

    const registry = new Registry();
    registerMetrics(app, registry);
    const text = await registry.metrics();
    expect(text).to.match(new RegExp(`kafka_streams_stream_thread_metrics_process_total\\{thread_id="${threadId}"\\} ${RECORDS}`));
    expect(text).to.include(`kafka_streams_stream_task_metrics_process_total{thread_id="${threadId}",task_id="0_0"}`);
    expect(text).to.include(`kafka_streams_stream_state_metrics_put_rate{thread_id="${threadId}",task_id="0_1",state_id="word-counts"}`);
    expect(text).to.match(
      new RegExp(`kafka_streams_consumer_fetch_manager_metrics_records_lag\\{client_id="${threadId}-consumer",topic="${input}",partition="0"\\} 0`),
    );
  });

  it('names the metrics setting that is wrong', () => {
    const builder = new StreamsBuilder();
    builder.stream('in').to('out');
    const config = { applicationId: 'bad-metrics', kafka: { brokers: kafka.brokers }, logger: consoleLogger('nothing') };
    expect(() => new KafkaStreams(builder.build(), { ...config, metricsIntervalMs: 0 })).to.throw(
      'metricsIntervalMs must be a whole number of at least 1; got 0',
    );
    expect(() => new KafkaStreams(builder.build(), { ...config, metricsNumSamples: -2 })).to.throw(
      'metricsNumSamples must be a whole number of at least 1; got -2',
    );
  });
});
