import { expect } from 'chai';
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import { KafkaStreams } from '../../lib/index.ts';
import { lineLogger } from '../../lib/logger.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';
import { OwnedRedis } from '../support/owned-redis.ts';
import { SHOP_ITEMS, latestTotals, shopOrders } from './fixtures/shop-process.ts';
import { shopTopology, storeTotals } from './fixtures/shop-topology.ts';

describe("KafkaStreams with a Redis-backed store whose Redis restarts mid-stream (a Redis of the spec's own)", function () {
  this.timeout(300_000);
  const redis = new OwnedRedis(6391);
  let context: KafkaTestContext;
  const apps: KafkaStreams[] = [];
  const logs: string[] = [];

  before(() => redis.start());
  after(() => redis.stop());

  beforeEach(async () => {
    logs.length = 0;
    context = await KafkaTestContext.create();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(logs.slice(-60).join('\n'));
    if (!(await redis.running())) await redis.start();
    for (const app of apps.splice(0)) await app.close();
    await context.close();
  });

  it('loses nothing: the instance says the backend is gone, keeps going, and writes the whole store back once Redis returns', async () => {
    const orders = context.name('orders');
    const totals = context.name('totals');
    await context.createTopic(orders, 2);
    await context.createTopic(totals, 2);
    const config = {
      applicationId: context.name('redis-shop'),
      kafka: { brokers: context.brokers },
      commitIntervalMs: 200,
      stores: { default: () => new Keyv({ store: new KeyvRedis(redis.url) }) },
      logger: lineLogger(process.env.SPEC_LOG_LEVEL === 'debug' ? 'debug' : 'info', 'redis-outage', (line) => logs.push(line)),
      kafkaLogLevel: 'nothing' as const,
    };
    const first = new KafkaStreams(shopTopology(orders, totals), config);
    apps.push(first);
    const states: string[] = [];
    first.state$.subscribe((state) => states.push(state));
    await first.start();
    const first5 = shopOrders(2000);
    const only = (item: string, count: number, from: number) =>
      Array.from({ length: count }, (_, i) => ({ key: `${item}-${from + i}`, value: JSON.stringify({ item, quantity: 1 }) }));
    const expected: Record<string, number> = { ...first5.expected, mouse: first5.expected.mouse! + 200, laptop: first5.expected.laptop! + 100 };
    await context.produce(orders, first5.messages);
    await waitFor(
      () => SHOP_ITEMS.every((item) => (storeTotals(first)?.[item] ?? 0) >= first5.expected[item]!),
      60_000,
      () => 'the first orders to be processed',
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // committed and written to Redis
    // Redis goes away (and, keeping nothing on disk, comes back empty) while orders of one item come.
    await redis.stop();
    await context.produce(orders, only('mouse', 200, 0));
    await waitFor(
      () => logs.some((line) => /Keyv backend of store item-quantity/.test(line)),
      60_000,
      () => 'a warning that the backend is gone',
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await redis.start();
    await context.produce(orders, only('laptop', 100, 0));
    const reached = (latest: Record<string, number> | undefined): boolean => SHOP_ITEMS.every((item) => (latest?.[item] ?? 0) >= expected[item]!);
    await waitFor(
      () => reached(storeTotals(first)),
      120_000,
      () => `the store to reach the totals: ${JSON.stringify(storeTotals(first))}`,
    );
    expect(states).to.not.include('ERROR');
    const output = await context.readTopicUntil(totals, (records) => reached(latestTotals(records, totals)), 60_000);
    expect(reached(latestTotals(output, totals))).to.equal(true);
    const before = storeTotals(first);
    // After a clean close the next instance loads Redis and trusts it: it must hold the whole store.
    await first.close();
    const second = new KafkaStreams(shopTopology(orders, totals), config);
    apps.push(second);
    await second.start();
    await waitFor(
      () => storeTotals(second) !== undefined && Object.keys(storeTotals(second)!).length === SHOP_ITEMS.length,
      60_000,
      () => `the second instance to restore (${second.state}): ${JSON.stringify(storeTotals(second))} of ${JSON.stringify(before)}`,
    );
    expect(storeTotals(second)).to.deep.equal(before);
  });
});
