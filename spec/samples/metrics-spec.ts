import { expect } from 'chai';
import type { Server } from 'node:http';
import { KafkaStreams, consoleLogger } from '../../lib/index.ts';
import { serveMetrics } from '../../samples/metrics/metrics-server.ts';
import { generateOrders } from '../../samples/shop/orders.ts';
import { buildShopTopology } from '../../samples/shop/topology.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

describe("samples/metrics: the shop application's metrics served to Prometheus over HTTP", function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;
  let app: KafkaStreams | undefined;
  let server: Server | undefined;

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    server?.close();
    await app?.close();
    await kafka.close();
  });

  it('serves /metrics in Prometheus text format with the thread, task and lag metrics as records go through', async () => {
    // The shop topology reads fixed topic names; its application id is this spec's own.
    for (const topic of ['orders', 'item-quantity', 'deliveries', 'order-status']) await kafka.createTopic(topic, 3).catch(() => {});
    app = new KafkaStreams(buildShopTopology(), {
      applicationId: kafka.name('shop-metrics'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 100,
      logger: consoleLogger('nothing'),
      kafkaLogLevel: 'nothing',
    });
    await app.start();
    const port = 17_080;
    server = await serveMetrics(app, 'localhost', port);
    const orders = generateOrders(100, 3);
    await kafka.produce(
      'orders',
      orders.map((order) => ({ key: order.order_id, value: JSON.stringify(order) })),
    );

    const scrape = async (): Promise<string> => {
      const response = await fetch(`http://localhost:${port}/metrics`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/plain/);
      return response.text();
    };
    const processed = (text: string): number =>
      text
        .split('\n')
        .filter((line) => line.startsWith('kafka_streams_stream_thread_metrics_process_total{'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    // The orders topic may hold orders of earlier runs: at least this run's go through.
    let text = '';
    await waitFor(
      async () => processed((text = await scrape())) >= orders.length,
      60_000,
      () => `processed ${processed(text)}`,
    );
    // A metric first seen in a scrape (the lag of a partition fetched since the last) is served from the next.
    text = await scrape();
    expect(text).to.match(/^# TYPE kafka_streams_stream_thread_metrics_process_rate gauge$/m);
    expect(text).to.match(/^kafka_streams_stream_task_metrics_dropped_records_total\{thread_id="[^"]+",task_id="0_0"\} 0$/m);
    expect(text).to.match(/^kafka_streams_consumer_fetch_manager_metrics_records_lag\{client_id="[^"]+-consumer",topic="orders",partition="\d"\} \d+$/m);
    expect(text).to.match(/^kafka_streams_stream_metrics_alive_stream_threads\{client_id="[^"]+"\} 1$/m);
    // Node's own metrics, from prom-client, alongside.
    expect(text).to.match(/^process_cpu_user_seconds_total /m);
    expect((await fetch(`http://localhost:${port}/other`)).status).to.equal(404);
  });
});
