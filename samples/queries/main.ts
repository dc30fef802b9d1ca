// Two instances of the shop application, each serving interactive queries over HTTP; either one
// answers for any item, forwarding to the owner of its key.
//   npm run sample:queries          starts a local broker (unless KAFKA_BROKERS is set), runs ~15 s
//   curl localhost:7071/item-quantity/laptop   (while it runs)
import { KafkaStreams, Serdes, consoleLogger } from '../../lib/index.ts';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { createMissingTopics, useBroker } from '../local-broker.ts';
import { ITEMS, generateOrders } from '../shop/orders.ts';
import { buildShopTopology } from '../shop/topology.ts';
import { serveQueries, type QueryAnswer } from './query-server.ts';

const PORTS = [7071, 7072];

async function main(): Promise<void> {
  const broker = useBroker();
  const brokers = broker.brokers;
  const kafka = new Kafka({ clientId: 'queries-sample', brokers, logLevel: logLevel.ERROR });
  await createMissingTopics(kafka, ['orders', 'item-quantity', 'deliveries', 'order-status'], 3);

  // Two instances of one application: in real life two processes or machines, each with its own
  // applicationServer. They share the tasks; each knows which one owns which key.
  const applicationId = `shop-queries-${Date.now()}`;
  const apps = PORTS.map(
    (port) =>
      new KafkaStreams(buildShopTopology(), {
        applicationId,
        applicationServer: `localhost:${port}`,
        kafka: { brokers },
        commitIntervalMs: 500,
        kafkaLogLevel: 'error',
        logger: consoleLogger('warn'),
      }),
  );
  await Promise.all(apps.map((app) => app.start()));
  const servers = await Promise.all(apps.map((app, i) => serveQueries(app, 'localhost', PORTS[i]!, Serdes.String())));
  for (const [i, app] of apps.entries()) console.log(`queries: instance on localhost:${PORTS[i]} runs tasks [${app.activeTasks().join(', ')}]`);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const orders = generateOrders(300, 11);
  await producer.send({ topic: 'orders', messages: orders.map((order) => ({ key: order.order_id, value: JSON.stringify(order) })) });
  await producer.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 3000));

  // Ask every item of both instances: the same answers, each read where the key lives.
  for (const { item } of ITEMS) {
    const answers = await Promise.all(
      PORTS.map(async (port) => (await fetch(`http://localhost:${port}/item-quantity/${item}`)).json() as Promise<QueryAnswer<number>>),
    );
    console.log(
      `  ${item.padEnd(10)} asked :${PORTS[0]} -> ${answers[0]!.value} (served by ${answers[0]!.servedBy}); asked :${PORTS[1]} -> ${answers[1]!.value} (served by ${answers[1]!.servedBy})`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.QUERIES_DURATION_MS ?? 10_000)));
  for (const server of servers) server.close();
  await Promise.all(apps.map((app) => app.close()));
  broker.stop();
}

main().catch((error) => {
  console.error('queries: failed:', error);
  process.exitCode = 1;
});
