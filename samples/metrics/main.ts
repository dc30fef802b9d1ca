// The shop application with its metrics served for Prometheus, and a few of them printed as they
// change (app.metrics$).
//   npm run sample:metrics          starts a local broker (unless KAFKA_BROKERS is set), runs ~15 s
//   curl localhost:7080/metrics     (while it runs)
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { KafkaStreams, consoleLogger, metricSum } from '../../lib/index.ts';
import { createMissingTopics, useBroker } from '../local-broker.ts';
import { generateOrders } from '../shop/orders.ts';
import { buildShopTopology } from '../shop/topology.ts';
import { serveMetrics } from './metrics-server.ts';

const PORT = 7080;

async function main(): Promise<void> {
  const broker = useBroker();
  const kafka = new Kafka({ clientId: 'metrics-sample', brokers: broker.brokers, logLevel: logLevel.ERROR });
  await createMissingTopics(kafka, ['orders', 'item-quantity', 'deliveries', 'order-status'], 3);
  const app = new KafkaStreams(buildShopTopology(), {
    applicationId: `shop-metrics-${Date.now()}`,
    kafka: { brokers: broker.brokers },
    commitIntervalMs: 1000,
    metricsIntervalMs: 2000,
    kafkaLogLevel: 'error',
    logger: consoleLogger('warn'),
  });
  const printing = app.metrics$.subscribe((metrics) => {
    const processed = metricSum(metrics, { group: 'stream-thread-metrics', name: 'process-total' });
    const rate = metricSum(metrics, { group: 'stream-thread-metrics', name: 'process-rate' });
    const lag = metricSum(metrics, { group: 'consumer-fetch-manager-metrics', name: 'records-lag' });
    console.log(
      `metrics: processed ${processed} records (${rate.toFixed(1)}/s), commits ${metricSum(metrics, { group: 'stream-thread-metrics', name: 'commit-total' })}, lag ${lag}`,
    );
  });
  await app.start();
  const server = await serveMetrics(app, 'localhost', PORT);
  console.log(`metrics: serving http://localhost:${PORT}/metrics`);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: 'orders', messages: generateOrders(1000, 7).map((order) => ({ key: order.order_id, value: JSON.stringify(order) })) });
  await producer.disconnect();

  await new Promise((resolve) => setTimeout(resolve, Number(process.env.METRICS_DURATION_MS ?? 15_000)));
  const text = await (await fetch(`http://localhost:${PORT}/metrics`)).text();
  for (const line of text
    .split('\n')
    .filter(
      (l) => l.startsWith('kafka_streams_stream_thread_metrics_process_total') || l.startsWith('kafka_streams_stream_task_metrics_dropped_records_total'),
    ))
    console.log(`  ${line}`);
  printing.unsubscribe();
  server.close();
  await app.close();
  broker.stop();
}

main().catch((error) => {
  console.error('metrics: failed:', error);
  process.exitCode = 1;
});
