// The shop sample on a real broker: orders in, running quantity per item out.
//   npm start                      starts a local broker (unless KAFKA_BROKERS is set), runs ~20 s
//   SHOP_DURATION_MS=60000 npm start
// Ctrl-C stops it cleanly at any time.
import { KafkaStreams, Serdes, consoleLogger, fromTopic } from '../../lib/index.ts';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { mergeAll, type Subscription } from 'rxjs';
import { createMissingTopics, useBroker } from '../local-broker.ts';
import { generateOrders } from './orders.ts';
import { buildShopTopology, type OrderStatus } from './topology.ts';

const ORDERS = 'orders';
const TOTALS = 'item-quantity';
const DELIVERIES = 'deliveries';
const STATUSES = 'order-status';
const durationMs = Number(process.env.SHOP_DURATION_MS ?? 20_000);

async function main(): Promise<void> {
  // The local broker unless KAFKA_BROKERS names one, stopped at the end only if started here.
  const broker = useBroker();
  const brokers = broker.brokers;
  const kafka = new Kafka({ clientId: 'shop-sample', brokers, logLevel: logLevel.ERROR });
  // Orders and deliveries are joined by order id, so they must be co-partitioned: 3 partitions each.
  await createMissingTopics(kafka, [ORDERS, TOTALS, DELIVERIES, STATUSES], 3);

  // A fresh application id per run: it reads the whole orders topic, so totals cover every order ever placed.
  const app = new KafkaStreams(buildShopTopology(), {
    applicationId: `shop-${Date.now()}`,
    kafka: { brokers },
    commitIntervalMs: 1000,
    kafkaLogLevel: 'error',
    logger: consoleLogger('warn'),
  });
  await app.start();
  console.log(`shop: running (tasks ${app.activeTasks().join(', ')}); placing orders for ${durationMs / 1000} s, Ctrl-C to stop`);

  const totals = new Map<string, number>();
  const printer: Subscription = fromTopic(kafka, TOTALS, {
    groupId: `shop-printer-${Date.now()}`,
    keySerde: Serdes.String(),
    valueSerde: Serdes.Int(),
    fromBeginning: false,
    consumer: { maxWaitTimeInMs: 100 },
  })
    .pipe(mergeAll())
    .subscribe((record) => {
      totals.set(record.key, record.value);
      console.log(`  ${record.key.padEnd(10)} ${String(record.value).padStart(6)}   (partition ${record.partition})`);
    });

  let statuses = 0;
  const statusPrinter: Subscription = fromTopic(kafka, STATUSES, {
    groupId: `shop-status-${Date.now()}`,
    keySerde: Serdes.String(),
    valueSerde: Serdes.Json<OrderStatus>(),
    fromBeginning: false,
    consumer: { maxWaitTimeInMs: 100 },
  })
    .pipe(mergeAll())
    .subscribe((record) => {
      if (++statuses % 10 === 0) console.log(`  order ${record.key}: ${record.value.quantity} x ${record.value.item}, ${record.value.status}`);
    });

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const until = Date.now() + durationMs;
  let placed = 0;
  while (!stopping && Date.now() < until) {
    const orders = generateOrders(5, placed + 1).map((order, i) => ({ ...order, order_id: String(placed + i + 1) }));
    // Every third order gets a delivery update before it is placed again by the next batch's ids.
    const deliveries = orders
      .filter((order) => Number(order.order_id) % 3 === 0)
      .map((order) => ({ order_id: order.order_id, delivery_id: `d${order.order_id}`, status: 'in_progress' }));
    await producer.send({ topic: DELIVERIES, messages: deliveries.map((delivery) => ({ key: delivery.order_id, value: JSON.stringify(delivery) })) });
    await producer.send({ topic: ORDERS, messages: orders.map((order) => ({ key: order.order_id, value: JSON.stringify(order) })) });
    placed += orders.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await producer.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  // The printer's consumer leaves its group while the app closes.
  printer.unsubscribe();
  statusPrinter.unsubscribe();
  await app.close();
  console.log(
    `shop: placed ${placed} orders this run, ${statuses} got their delivery status; latest totals seen: ${JSON.stringify(Object.fromEntries([...totals].sort()))}`,
  );
  broker.stop();
}

main().catch((error) => {
  console.error('shop: failed:', error);
  process.exitCode = 1;
});
