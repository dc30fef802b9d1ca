import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, StreamsException, consoleLogger, type KGroupedStream } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

interface Order {
  readonly item: string;
  readonly quantity: number;
}

describe('KStream.groupBy / groupByKey', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const orderSerdes = { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() };

  describe('groupBy', () => {
    it('should count by the new key records that arrived under different old keys, through the repartition topic', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders', orderSerdes)
        .groupBy((_orderId, order) => order.item, { name: 'orders-by-item', keySerde: Serdes.String() })
        .count({ storeName: 'orders-per-item' })
        .toStream()
        .to('order-counts', { valueSerde: Serdes.Int() });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
      const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());
      const repartitioned = driver.createOutputTopic('shop-orders-by-item-repartition', Serdes.String(), Serdes.Json<Order>());
      const counts = driver.createOutputTopic('order-counts', Serdes.String(), Serdes.Int());

      // Three order ids (old keys), two of them for the same item (new key).
      orders.pipeInput('order-1', { item: 'laptop', quantity: 1 });
      orders.pipeInput('order-2', { item: 'mouse', quantity: 2 });
      orders.pipeInput('order-3', { item: 'laptop', quantity: 3 });

      expect(driver.producedTopicNames()).to.include('shop-orders-by-item-repartition');
      expect(repartitioned.readKeyValuesToList()).to.deep.equal([
        { key: 'laptop', value: { item: 'laptop', quantity: 1 } },
        { key: 'mouse', value: { item: 'mouse', quantity: 2 } },
        { key: 'laptop', value: { item: 'laptop', quantity: 3 } },
      ]);
      expect(counts.readKeyValuesToList()).to.deep.equal([
        { key: 'laptop', value: 1 },
        { key: 'mouse', value: 1 },
        { key: 'laptop', value: 2 },
      ]);
      const store = driver.getKeyValueStore<string, number>('orders-per-item');
      expect(store.get('laptop')).to.equal(2);
      expect(store.get('mouse')).to.equal(1);
      expect(store.get('order-1')).to.equal(undefined);
      driver.close();
    });

    it('should count by the new key over time (marbles), with the repartition topic in between', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, Order>('orders')
          .groupBy((_orderId, order) => order.item, { name: 'orders-by-item' })
          .count()
          .toStream()
          .to('order-counts');

        const orders = cold('-a-b-c-|', {
          a: { key: 'order-1', value: { item: 'laptop', quantity: 1 } },
          b: { key: 'order-2', value: { item: 'mouse', quantity: 2 } },
          c: { key: 'order-3', value: { item: 'laptop', quantity: 3 } },
        });
        const run = runTopology(builder.build(), { orders });
        expectObservable(run.output('order-counts')).toBe('                      -x-y-z-|', {
          x: { key: 'laptop', value: 1 },
          y: { key: 'mouse', value: 1 },
          z: { key: 'laptop', value: 2 },
        });
        expectObservable(run.output('run-topology-orders-by-item-repartition')).toBe('-p-q-r-|', {
          p: { key: 'laptop', value: { item: 'laptop', quantity: 1 } },
          q: { key: 'mouse', value: { item: 'mouse', quantity: 2 } },
          r: { key: 'laptop', value: { item: 'laptop', quantity: 3 } },
        });
      });
    });

    it("should name the repartition topic after the aggregation's store when the grouping has no name, as Kafka Streams does", () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders', orderSerdes)
        .groupBy((_orderId, order) => order.item, { keySerde: Serdes.String() })
        .count();
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);

      driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>()).pipeInput('order-1', { item: 'laptop', quantity: 1 });

      expect([...driver.producedTopicNames()]).to.deep.equal(['shop-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition']);
      expect(driver.getKeyValueStore<string, number>('KSTREAM-AGGREGATE-STATE-STORE-0000000002').get('laptop')).to.equal(1);
      driver.close();
    });

    it('should type the grouped stream by the key the selector returns', () => {
      const builder = new StreamsBuilder();
      const byQuantity: KGroupedStream<number, Order> = builder.stream<string, Order>('orders').groupBy((_orderId, order) => order.quantity);
      byQuantity
        .aggregate(
          () => '',
          (quantity, order, items) => `${items}${quantity.toFixed(0)}x${order.item};`,
        )
        .toStream()
        .to('items-by-quantity');

      testScheduler.run(({ cold, expectObservable }) => {
        const orders = cold('-a-b-|', { a: { key: 'o1', value: { item: 'pen', quantity: 2 } }, b: { key: 'o2', value: { item: 'ink', quantity: 2 } } });
        expectObservable(runTopology(builder.build(), { orders }).output('items-by-quantity')).toBe('-x-y-|', {
          x: { key: 2, value: '2xpen;' },
          y: { key: 2, value: '2xpen;2xink;' },
        });
      });
    });

    it('should fail with an error saying the key is null when the selector returns null', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, Order>('orders')
          .groupBy((_orderId, order) => (order.item === '' ? null : order.item), { name: 'orders-by-item' })
          .count()
          .toStream()
          .to('order-counts');

        const orders = cold('-a-b-c-|', {
          a: { key: 'order-1', value: { item: 'laptop', quantity: 1 } },
          b: { key: 'order-2', value: { item: '', quantity: 2 } },
          c: { key: 'order-3', value: { item: 'laptop', quantity: 3 } },
        });
        const expected = '   -x-#';
        const error =
          'StreamsException: A record with a null key cannot be grouped or repartitioned (through orders-by-item-repartition); ' +
          'give it a key with selectKey, map or groupBy first, or filter such records out ' +
          '(at task 0_0, processor orders-by-item-repartition-filter, topic orders partition 0 offset 1)';
        expectObservable(runTopology(builder.build(), { orders }).output('order-counts').pipe(errorText())).toBe(
          expected,
          { x: { key: 'laptop', value: 1 } },
          error,
        );
      });
    });

    it('should fail naming the selector processor and the record when the selector throws', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders', orderSerdes)
        .groupBy(
          (_orderId, order) => {
            if (order.quantity < 0) throw new Error('negative quantity');
            return order.item;
          },
          { name: 'orders-by-item', keySerde: Serdes.String() },
        )
        .count();
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
      const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());

      expect(() => orders.pipeInput('order-1', { item: 'laptop', quantity: -1 }))
        .to.throw(StreamsException)
        .with.property(
          'message',
          'Processor orders-by-item failed: negative quantity (at task 0_0, processor orders-by-item, topic orders partition 0 offset 0)',
        );
    });

    it("should skip records whose key is null under processingExceptionHandler 'log-and-continue'", () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders', orderSerdes)
        .groupBy((_orderId, order) => (order.item === '' ? null : order.item), { keySerde: Serdes.String() })
        .count({ storeName: 'orders-per-item' });
      const driver = new TopologyTestDriver(
        builder.build(),
        { applicationId: 'shop', processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') },
        0,
      );
      const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());

      orders.pipeInput('order-1', { item: 'laptop', quantity: 1 });
      orders.pipeInput('order-2', { item: '', quantity: 2 });
      orders.pipeInput('order-3', { item: 'laptop', quantity: 3 });

      expect(driver.getKeyValueStore<string, number>('orders-per-item').all()).to.deep.equal([{ key: 'laptop', value: 2 }]);
      driver.close();
    });
  });

  describe('groupByKey', () => {
    it('should group by the existing key without a repartition topic', () => {
      const builder = new StreamsBuilder();
      builder.stream<string, Order>('orders-by-item', orderSerdes).groupByKey().count({ storeName: 'orders-per-item' });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
      const orders = driver.createInputTopic('orders-by-item', Serdes.String(), Serdes.Json<Order>());

      orders.pipeInput('laptop', { item: 'laptop', quantity: 1 });
      orders.pipeInput('laptop', { item: 'laptop', quantity: 3 });

      expect([...driver.producedTopicNames()]).to.deep.equal([]);
      expect(driver.getKeyValueStore<string, number>('orders-per-item').get('laptop')).to.equal(2);
      driver.close();
    });

    it('should repartition after selectKey, so records for one new key from different old keys count together', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders', orderSerdes)
        .selectKey((_orderId, order) => order.item)
        .groupByKey({ keySerde: Serdes.String(), name: 'orders-by-item' })
        .count({ storeName: 'orders-per-item' });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
      const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());

      orders.pipeInput('order-1', { item: 'laptop', quantity: 1 });
      orders.pipeInput('order-2', { item: 'laptop', quantity: 3 });

      expect([...driver.producedTopicNames()]).to.deep.equal(['shop-orders-by-item-repartition']);
      expect(driver.getKeyValueStore<string, number>('orders-per-item').get('laptop')).to.equal(2);
      driver.close();
    });

    it('should fail with an error saying the key is null when selectKey returned null', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, Order>('orders')
          .selectKey((_orderId, order) => (order.quantity > 0 ? order.item : null))
          .groupByKey({ name: 'orders-by-item' })
          .count()
          .toStream()
          .to('order-counts');

        const orders = cold('-a-b-|', {
          a: { key: 'order-1', value: { item: 'laptop', quantity: 1 } },
          b: { key: 'order-2', value: { item: 'laptop', quantity: 0 } },
        });
        const expected = '   -x-#';
        const error =
          'StreamsException: A record with a null key cannot be grouped or repartitioned (through orders-by-item-repartition); ' +
          'give it a key with selectKey, map or groupBy first, or filter such records out ' +
          '(at task 0_0, processor orders-by-item-repartition-filter, topic orders partition 0 offset 1)';
        expectObservable(runTopology(builder.build(), { orders }).output('order-counts').pipe(errorText())).toBe(
          expected,
          { x: { key: 'laptop', value: 1 } },
          error,
        );
      });
    });

    it('should fail with an error naming the aggregation and its store when a record read from a topic has no key', () => {
      const builder = new StreamsBuilder();
      builder.stream<string, Order>('orders-by-item', orderSerdes).groupByKey().count({ storeName: 'orders-per-item' }, 'count-orders');
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
      const orders = driver.createInputTopic('orders-by-item', Serdes.String(), Serdes.Json<Order>());

      expect(() => orders.pipeValue({ item: 'laptop', quantity: 1 }))
        .to.throw(StreamsException)
        .with.property(
          'message',
          'count-orders cannot aggregate a record with a null key into store orders-per-item; give records a key before grouping ' +
            '(at task 0_0, processor count-orders, topic orders-by-item partition 0 offset 0)',
        );
    });

    it('should write the repartition topic with the grouped serdes', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders', orderSerdes)
        .map((_orderId, order) => ({ key: order.quantity, value: order.item }))
        .groupByKey({ name: 'by-quantity', keySerde: Serdes.Int(), valueSerde: Serdes.String() })
        .count();
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);

      driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>()).pipeInput('order-1', { item: 'pen', quantity: 3 });

      const raw = driver.createOutputTopic('shop-by-quantity-repartition', Serdes.Buffer(), Serdes.String());
      expect(raw.readKeyValue()).to.deep.equal({ key: Buffer.from([0, 0, 0, 3]), value: 'pen' });
      driver.close();
    });
  });
});
