import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, type KStream } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

interface Order {
  readonly item: string;
  readonly quantity: number;
}

describe('KStream.selectKey', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const orders = {
    a: { key: 'o1', value: { item: 'laptop', quantity: 1 } },
    b: { key: 'o2', value: { item: 'mouse', quantity: 2 } },
    c: { key: 'o3', value: { item: 'laptop', quantity: 3 } },
  };

  it('should replace the key by what the selector returns and keep the value', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders')
        .selectKey((_id, order) => order.item)
        .to('orders-by-item');

      const input = cold('-a-b-c-|', orders);
      const expected = '  -x-y-z-|';
      expectObservable(runTopology(builder.build(), { orders: input }).output('orders-by-item')).toBe(expected, {
        x: { key: 'laptop', value: orders.a.value },
        y: { key: 'mouse', value: orders.b.value },
        z: { key: 'laptop', value: orders.c.value },
      });
    });
  });

  it('should pass the old key to the selector', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders')
        .selectKey((id, order) => `${order.item}#${id}`)
        .mapValues((order) => order.quantity)
        .to('out');

      const input = cold('-a-b-|', orders);
      const expected = '  -x-y-|';
      expectObservable(runTopology(builder.build(), { orders: input }).output('out')).toBe(expected, {
        x: { key: 'laptop#o1', value: 1 },
        y: { key: 'mouse#o2', value: 2 },
      });
    });
  });

  it('should change the key type and keep the value serde', () => {
    const builder = new StreamsBuilder();
    const byQuantity: KStream<number, Order> = builder
      .stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
      .selectKey((_id, order) => order.quantity);
    byQuantity.to('orders-by-quantity', { keySerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());
    const output = driver.createOutputTopic('orders-by-quantity', Serdes.Int(), Serdes.Json<Order>());

    input.pipeInput('o1', { item: 'pen', quantity: 12 });

    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 12, value: { item: 'pen', quantity: 12 } }]);
    driver.close();
  });

  it('should repartition before a grouping by the new key', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
      .selectKey((_id, order) => order.item)
      .groupByKey({ name: 'orders-by-item', keySerde: Serdes.String() })
      .count({ storeName: 'orders-per-item' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
    const input = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());
    const repartitioned = driver.createOutputTopic('shop-orders-by-item-repartition', Serdes.String(), Serdes.Json<Order>());

    input.pipeInput('o1', orders.a.value);
    input.pipeInput('o2', orders.b.value);
    input.pipeInput('o3', orders.c.value);

    expect(repartitioned.readKeyValuesToList().map(({ key }) => key)).to.deep.equal(['laptop', 'mouse', 'laptop']);
    expect(driver.getKeyValueStore<string, number>('orders-per-item').get('laptop')).to.equal(2);
    driver.close();
  });

  it('should fail naming the processor and the record when the selector throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders')
        .selectKey((_id, order) => {
          if (order.item === 'mouse') throw new Error('mice have no key');
          return order.item;
        }, 'by-item')
        .to('out');

      const input = cold('-a-b-c-|', orders);
      const expected = '  -x-#';
      const error = 'ProcessingException: Processor by-item failed: mice have no key (at task 0_0, processor by-item, topic orders partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { orders: input }).output('out').pipe(errorText())).toBe(
        expected,
        { x: { key: 'laptop', value: orders.a.value } },
        error,
      );
    });
  });

  it("should skip the record when the selector throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders')
        .selectKey((_id, order) => {
          if (order.item === 'mouse') throw new Error('mice have no key');
          return order.item;
        })
        .to('out');

      const input = cold('-a-b-c-|', orders);
      const expected = '  -x---z-|';
      const run = runTopology(builder.build(), { orders: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('out')).toBe(expected, { x: { key: 'laptop', value: orders.a.value }, z: { key: 'laptop', value: orders.c.value } });
    });
  });
});
