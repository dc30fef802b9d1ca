import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { Serdes } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { ITEMS, generateOrders } from '../../samples/shop/orders.ts';
import { buildShopTopology, type Delivery, type Order, type OrderStatus } from '../../samples/shop/topology.ts';

const S = Serdes.String();
const I = Serdes.Int();

function order(order_id: string, item: string, quantity: number): Order {
  return { order_id, customer_id: 'c-1', item, quantity, price: 10 };
}

function totalsOf(orders: readonly Order[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const o of orders) totals.set(o.item, (totals.get(o.item) ?? 0) + o.quantity);
  return totals;
}

describe('samples/shop', () => {
  describe('generateOrders', () => {
    it('should give the same orders for the same seed, and others for another seed', () => {
      expect(generateOrders(20, 7)).to.deep.equal(generateOrders(20, 7));
      expect(generateOrders(20, 7)).to.not.deep.equal(generateOrders(20, 8));
    });

    it('should draw items from the catalogue at list price, 1 to 5 of each, with ids 1..count', () => {
      const orders = generateOrders(200, 3);
      expect(orders.map((o) => o.order_id)).to.deep.equal(Array.from({ length: 200 }, (_, i) => String(i + 1)));
      for (const o of orders) {
        expect(ITEMS.find((entry) => entry.item === o.item)?.price).to.equal(o.price);
        expect(o.quantity).to.be.within(1, 5);
      }
      expect(new Set(orders.map((o) => o.item)).size).to.equal(ITEMS.length);
    });
  });

  describe('the topology on a TopologyTestDriver', () => {
    let driver: TopologyTestDriver;

    beforeEach(() => {
      driver = new TopologyTestDriver(buildShopTopology(), { applicationId: 'shop' }, 0);
    });

    afterEach(() => driver.close());

    it('should sum quantities per item, re-keying orders by item', () => {
      const orders = driver.createInputTopic('orders', S, Serdes.Json<Order>());
      orders.pipeInput('1', order('1', 'laptop', 1));
      orders.pipeInput('2', order('2', 'mouse', 2));
      orders.pipeInput('3', order('3', 'laptop', 3));
      expect(driver.createOutputTopic('item-quantity', S, I).readKeyValuesToList()).to.deep.equal([
        { key: 'laptop', value: 1 },
        { key: 'mouse', value: 2 },
        { key: 'laptop', value: 4 },
      ]);
    });

    it('should hold per item the sum of the generated orders, in the item-quantity store and as the last totals on the topic', () => {
      const generated = generateOrders(500, 42);
      driver.createInputTopic('orders', S, Serdes.Json<Order>()).pipeKeyValueList(generated.map((o) => ({ key: o.order_id, value: o })));
      const expected = totalsOf(generated);

      const store = driver.getKeyValueStore<string, number>('item-quantity');
      expect(new Map(store.all().map(({ key, value }) => [key, value]))).to.deep.equal(expected);

      const output = driver.createOutputTopic('item-quantity', S, I);
      expect(output.getQueueSize()).to.equal(generated.length);
      expect(output.readKeyValuesToMap()).to.deep.equal(expected);
    });

    it('should write every running total, in order, for each item', () => {
      const generated = generateOrders(50, 5);
      driver.createInputTopic('orders', S, Serdes.Json<Order>()).pipeKeyValueList(generated.map((o) => ({ key: o.order_id, value: o })));
      const running = new Map<string, number>();
      const expected = generated.map((o) => {
        running.set(o.item, (running.get(o.item) ?? 0) + o.quantity);
        return { key: o.item, value: running.get(o.item)! };
      });
      expect(driver.createOutputTopic('item-quantity', S, I).readKeyValuesToList()).to.deep.equal(expected);
    });

    it('should route the re-keyed orders through shop-item-quantity-repartition', () => {
      driver.createInputTopic('orders', S, Serdes.Json<Order>()).pipeInput('1', order('1', 'laptop', 2));
      expect([...driver.producedTopicNames()].sort()).to.deep.equal(['item-quantity', 'order-status', 'shop-item-quantity-repartition']);
      expect(driver.createOutputTopic('shop-item-quantity-repartition', S, I).readKeyValue()).to.deep.equal({ key: 'laptop', value: 2 });
    });

    it('should attach the current delivery status to each order, "ordered" before any delivery update', () => {
      const orders = driver.createInputTopic('orders', S, Serdes.Json<Order>());
      const deliveries = driver.createInputTopic('deliveries', S, Serdes.Json<Delivery>());
      const statuses = driver.createOutputTopic('order-status', S, Serdes.Json<OrderStatus>());
      orders.pipeInput('12345', order('12345', 'laptop', 1));
      deliveries.pipeInput('12345', { order_id: '12345', delivery_id: '9876', status: 'in_progress' });
      orders.pipeInput('12345', order('12345', 'laptop', 1));
      orders.pipeInput('777', order('777', 'mouse', 2));
      expect(statuses.readKeyValuesToList().map(({ key, value }) => `${key}:${value.item}:${value.status}`)).to.deep.equal([
        '12345:laptop:ordered',
        '12345:laptop:in_progress',
        '777:mouse:ordered',
      ]);
      expect(driver.getKeyValueStore<string, Delivery>('deliveries').get('12345')?.status).to.equal('in_progress');
    });

    it('should refuse an order that is not JSON, naming the topic and offset', () => {
      const raw = driver.createInputTopic('orders', S, S);
      expect(() => raw.pipeInput('1', 'laptop x1'))
        .to.throw(/Could not deserialize the value with JsonSerde/)
        .with.property('message')
        .that.contains('topic orders partition 0 offset 0');
    });
  });

  describe('the topology as a marble diagram', () => {
    it('should emit the running total per item as orders arrive, and keep the totals in its store', () => {
      const testScheduler = new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });
      let run!: ReturnType<typeof runTopology>;
      testScheduler.run(({ cold, expectObservable }) => {
        const orders = cold(' -a--b--c-d|', {
          a: { key: '1', value: order('1', 'laptop', 1) },
          b: { key: '2', value: order('2', 'mouse', 2) },
          c: { key: '3', value: order('3', 'laptop', 3) },
          d: { key: '4', value: order('4', 'mouse', 1) },
        });
        const expected = '   -w--x--y-z|';
        run = runTopology(buildShopTopology(), { orders }, { applicationId: 'shop' });
        expectObservable(run.output('item-quantity')).toBe(expected, {
          w: { key: 'laptop', value: 1 },
          x: { key: 'mouse', value: 2 },
          y: { key: 'laptop', value: 4 },
          z: { key: 'mouse', value: 3 },
        });
      });
      expect(run.store('item-quantity').all()).to.deep.equal([
        { key: 'laptop', value: 4 },
        { key: 'mouse', value: 3 },
      ]);
    });
  });
});
