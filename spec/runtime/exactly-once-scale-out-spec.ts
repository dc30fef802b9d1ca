import { expect } from 'chai';
import { Serdes } from '../../lib/index.ts';
import { ShopProcess } from './fixtures/shop-process.ts';
import { KafkaTestContext, waitFor, type ReadRecord } from '../support/kafka-helpers.ts';

const ITEMS = ['laptop', 'mouse', 'keyboard', 'monitor', 'desk', 'chair', 'lamp'];

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
    const input = Array.from({ length: count }, (_, i) => ({ item: ITEMS[(i * 3) % ITEMS.length]!, quantity: 1 + (i % 5) }));
    const expected: Record<string, number> = {};
    for (const order of input) expected[order.item] = (expected[order.item] ?? 0) + order.quantity;
    const env = { BROKERS: kafka.brokers.join(','), APP_ID: kafka.name('shop'), ORDERS: orders, TOTALS: totals, GUARANTEE: 'exactly_once_v2', BACKEND: 'memory', SESSION_TIMEOUT_MS: '6000' };
    const start = (): ShopProcess => {
      const child = new ShopProcess(env);
      children.push(child);
      return child;
    };
    const group = [start(), start(), start()];
    // Six tasks (two sub-topologies on three partitions), two on each instance.
    await waitFor(() => group.every((child) => child.tasks.length === 2), 120_000, () => `tasks ${group.map((child) => `[${child.tasks}]`).join(' ')}`);

    const messages = input.map((order, i) => ({ key: `o${i}`, value: JSON.stringify(order) }));
    let produced = 0;
    const producing = (async () => {
      for (let from = 0; from < count; from += count / 60) {
        await kafka.produce(orders, messages.slice(from, from + count / 60));
        produced = from + count / 60;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    // Kill one member a third of the way in and start another; then the same with a second one.
    for (const [victim, at] of [[0, count / 3], [1, (2 * count) / 3]] as const) {
      await waitFor(() => produced >= at, 120_000, () => `produced ${produced}`);
      await group[victim]!.kill();
      group[victim] = start();
    }
    await producing;

    const latestOf = (records: readonly ReadRecord[]): Record<string, number> => {
      const latest: Record<string, number> = {};
      for (const record of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) latest[record.key!.toString()] = Serdes.Int().deserialize(totals, record.value);
      return latest;
    };
    const reached = (latest: Record<string, number>): boolean => ITEMS.every((item) => (latest[item] ?? 0) >= expected[item]!);
    const latest = latestOf(await kafka.readTopicUntil(totals, (records) => reached(latestOf(records)), 180_000, 'read_committed'));
    expect(latest).to.deep.equal(expected);
    // Every instance's store has its own items; together they have them all, exactly (the
    // snapshots come every 200 ms, so they are waited for; a total past the expected one fails).
    const stores = (): Record<string, number> => Object.assign({}, ...group.map((child) => child.store)) as Record<string, number>;
    await waitFor(() => JSON.stringify(stores(), Object.keys(expected).sort()) === JSON.stringify(expected, Object.keys(expected).sort()), 30_000, () => `stores ${JSON.stringify(stores())}`);
    console.log(`      restored ${group.reduce((sum, child) => sum + child.restored, 0)} changelog records on the last three members`);
    for (const item of ITEMS) expect(stores()[item], item).to.equal(expected[item]);
  });
});
