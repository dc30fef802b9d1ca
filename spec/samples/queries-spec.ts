import { expect } from 'chai';
import type { Server } from 'node:http';
import { KafkaStreams, Serdes, consoleLogger } from '../../lib/index.ts';
import { serveQueries, type QueryAnswer } from '../../samples/queries/query-server.ts';
import { ITEMS, generateOrders } from '../../samples/shop/orders.ts';
import { buildShopTopology } from '../../samples/shop/topology.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

describe('samples/queries: interactive queries over HTTP, routed to the owner of the key', function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;
  const apps: KafkaStreams[] = [];
  const servers: Server[] = [];

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) server.close();
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    await kafka.close();
  });

  it('answers for every item on either instance, each read on the instance whose task has it', async () => {
    // The shop topology reads fixed topic names; its application id is this spec's own.
    for (const topic of ['orders', 'item-quantity', 'deliveries', 'order-status']) await kafka.createTopic(topic, 3).catch(() => {});
    const ports = [17_071, 17_072];
    const applicationId = kafka.name('shop-queries');
    for (const port of ports) {
      const app = new KafkaStreams(buildShopTopology(), {
        applicationId,
        applicationServer: `localhost:${port}`,
        kafka: { brokers: kafka.brokers },
        commitIntervalMs: 100,
        logger: consoleLogger('nothing'),
        kafkaLogLevel: 'nothing',
      });
      apps.push(app);
    }
    await Promise.all(apps.map((app) => app.start()));
    servers.push(...(await Promise.all(apps.map((app, i) => serveQueries(app, 'localhost', ports[i]!, Serdes.String())))));
    await waitFor(
      () => apps.every((app) => app.state === 'RUNNING' && app.activeTasks().length === 3),
      60_000,
      () => apps.map((app) => `[${app.activeTasks()}]`).join(' / '),
    );

    // The orders topic may hold orders of earlier runs: the expected totals are read back from it.
    const orders = generateOrders(200, 5);
    await kafka.produce(
      'orders',
      orders.map((order) => ({ key: order.order_id, value: JSON.stringify(order) })),
    );
    // All of them: read until the count on the broker, not just as many as this run wrote.
    const admin = await kafka.admin();
    const onBroker = (await admin.fetchTopicOffsets('orders')).reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
    const all = (await kafka.readTopicUntil('orders', (records) => records.length >= onBroker, 30_000)).map(
      (record) => JSON.parse(record.value!.toString()) as { item: string; quantity: number },
    );
    const expected = new Map<string, number>();
    for (const order of all) expected.set(order.item, (expected.get(order.item) ?? 0) + order.quantity);

    const ask = async (port: number, item: string): Promise<QueryAnswer<number> | undefined> => {
      const response = await fetch(`http://localhost:${port}/item-quantity/${item}`);
      return response.status === 200 ? ((await response.json()) as QueryAnswer<number>) : undefined;
    };
    const servedBy = new Set<string>();
    for (const { item } of ITEMS) {
      if (!expected.has(item)) continue;
      let answers: (QueryAnswer<number> | undefined)[] = [];
      await waitFor(
        async () => (answers = await Promise.all(ports.map((port) => ask(port, item)))).every((answer) => answer?.value === expected.get(item)),
        30_000,
        () => `${item} not ${expected.get(item)} on both: ${JSON.stringify(answers)} (from ${all.length} orders)`,
      );
      const [first, second] = await Promise.all(ports.map((port) => ask(port, item)));
      expect(first!.servedBy).to.equal(second!.servedBy);
      const owner = apps[ports.indexOf(Number(first!.servedBy.split(':')[1]))]!;
      expect(owner.store<string, number>('item-quantity').get(item)).to.equal(expected.get(item));
      servedBy.add(first!.servedBy);
    }
    const unknown = await fetch(`http://localhost:${ports[0]}/no-such-store/laptop`);
    expect(unknown.status).to.equal(404);
    console.log(`      ${expected.size} items answered alike by both instances, read on ${[...servedBy].join(' and ')}`);
  });
});
