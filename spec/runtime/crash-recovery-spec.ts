import { expect } from 'chai';
import { SHOP_ITEMS, ShopProcess, latestTotals, shopOrders, totalsReached } from './fixtures/shop-process.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';
import { tempDirPerSuite } from '../support/temp-dirs.ts';

for (const backend of ['memory', 'redis', 'postgres', 'lmdb'] as const) {
  for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const) {
    describe(`The shop app killed mid-stream (${guarantee}, ${backend} stores)`, function () {
      this.timeout(240_000);
      let kafka: KafkaTestContext;
      const children: ShopProcess[] = [];
      const temp = tempDirPerSuite('crash-recovery');

      beforeEach(async () => {
        kafka = await KafkaTestContext.create();
      });

      afterEach(async () => {
        await Promise.all(children.splice(0).map((child) => child.kill()));
        await kafka.close();
      });

      it('recovers its state and ends with the right totals', async () => {
        const orders = kafka.name('orders');
        const totals = kafka.name('totals');
        await kafka.createTopic(orders, 3);
        await kafka.createTopic(totals, 3);
        const count = 20_000;
        const { messages, expected, expectedTotal } = shopOrders(count);
        // Orders keep arriving while the first process runs and is killed.
        const producing = (async () => {
          for (let from = 0; from < count; from += count / 40) {
            await kafka.produce(orders, messages.slice(from, from + count / 40));
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })();

        const appId = kafka.name('shop');
        const env = {
          BROKERS: kafka.brokers.join(','),
          APP_ID: appId,
          ORDERS: orders,
          TOTALS: totals,
          GUARANTEE: guarantee,
          BACKEND: backend,
          // Both runs on one state directory, as a restarted instance on its machine.
          STATE_DIR: temp.path(appId),
        };
        const first = new ShopProcess(env);
        children.push(first);
        await waitFor(
          () => first.total > expectedTotal / 4,
          120_000,
          () => `first run reached ${first.total} of ${expectedTotal}`,
        );
        // Some commits land before the kill, some work is in flight when it comes.
        await new Promise((resolve) => setTimeout(resolve, 700));
        await first.kill();
        const atKill = first.total;
        expect(atKill).to.be.lessThan(expectedTotal);

        await producing;
        const second = new ShopProcess(env);
        children.push(second);
        await waitFor(
          () => second.total >= expectedTotal,
          120_000,
          () => `second run reached ${second.total} of ${expectedTotal}`,
        );

        const latest = latestTotals(
          await kafka.readTopicUntil(totals, (records) => totalsReached(latestTotals(records, totals), expected), 60_000, 'read_committed'),
          totals,
        );
        const excess = second.total - expectedTotal;
        console.log(
          `      killed at ${atKill}/${expectedTotal}; restored ${second.restored} changelog records; final excess ${excess} (quantity counted twice)`,
        );
        if (process.env.DEBUG_SPEC) console.log(JSON.stringify({ store: second.store, expected, latest }));
        if (backend === 'lmdb') {
          // The store reopens from its checkpoint (written with each commit, under either
          // guarantee): only what came after the last one is replayed, not the whole changelog.
          const admin = await kafka.admin();
          const changelogRecords = (await admin.fetchTopicOffsets(`${appId}-item-quantity-changelog`)).reduce((sum, p) => sum + Number(p.high), 0);
          console.log(`      the changelog holds ${changelogRecords} records (markers included)`);
          expect(second.restored).to.be.lessThan(changelogRecords / 4);
        }
        if (guarantee === 'exactly_once_v2') {
          expect(second.store).to.deep.equal(expected);
          expect(latest).to.deep.equal(expected);
        } else {
          for (const item of SHOP_ITEMS) expect(second.store[item], item).to.be.at.least(expected[item]!);
        }
      });
    });
  }
}
