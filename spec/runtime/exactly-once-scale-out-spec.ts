import { expect } from 'chai';
import { SHOP_ITEMS, ShopProcess, latestTotals, shopOrders, totalsReached } from './fixtures/shop-process.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

describe('The shop app on three instances under exactly-once, members killed and restarted under load', function () {
  this.timeout(300_000);
  let kafka: KafkaTestContext;
  const children: ShopProcess[] = [];

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill()));
    await kafka.close();
  });

  it('ends with exactly the totals of the orders, in the store and in the committed output', async () => {
    const orders = kafka.name('orders');
    const totals = kafka.name('totals');
    await kafka.createTopic(orders, 3);
    await kafka.createTopic(totals, 3);
    const count = 30_000;
    const { messages, expected } = shopOrders(count);
    const env = {
      BROKERS: kafka.brokers.join(','),
      APP_ID: kafka.name('shop'),
      ORDERS: orders,
      TOTALS: totals,
      GUARANTEE: 'exactly_once_v2',
      BACKEND: 'memory',
      SESSION_TIMEOUT_MS: '6000',
    };
    const start = (): ShopProcess => {
      const child = new ShopProcess(env);
      children.push(child);
      return child;
    };
    const group = [start(), start(), start()];
    // Six tasks (two sub-topologies on three partitions), two on each instance.
    await waitFor(
      () => group.every((child) => child.tasks.length === 2),
      120_000,
      () => `tasks ${group.map((child) => `[${child.tasks}]`).join(' ')}`,
    );

    let produced = 0;
    const producing = (async () => {
      for (let from = 0; from < count; from += count / 60) {
        await kafka.produce(orders, messages.slice(from, from + count / 60));
        produced = from + count / 60;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    // Kill one member a third of the way in and start another; then the same with a second one.
    for (const [victim, at] of [
      [0, count / 3],
      [1, (2 * count) / 3],
    ] as const) {
      await waitFor(
        () => produced >= at,
        120_000,
        () => `produced ${produced}`,
      );
      await group[victim]!.kill();
      group[victim] = start();
    }
    await producing;

    const latest = latestTotals(
      await kafka.readTopicUntil(totals, (records) => totalsReached(latestTotals(records, totals), expected), 180_000, 'read_committed'),
      totals,
    );
    expect(latest).to.deep.equal(expected);
    // Every instance's store has its own items; together they have them all, exactly (the
    // snapshots come every 200 ms, so they are waited for; a total past the expected one fails).
    const stores = (): Record<string, number> => Object.assign({}, ...group.map((child) => child.store)) as Record<string, number>;
    await waitFor(
      () => JSON.stringify(stores(), Object.keys(expected).sort()) === JSON.stringify(expected, Object.keys(expected).sort()),
      30_000,
      () => `stores ${JSON.stringify(stores())}`,
    );
    console.log(`      restored ${group.reduce((sum, child) => sum + child.restored, 0)} changelog records on the last three members`);
    for (const item of SHOP_ITEMS) expect(stores()[item], item).to.equal(expected[item]);
  });
});
