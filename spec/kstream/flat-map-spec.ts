import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, type KeyValue } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

interface Order {
  readonly customer: string;
  readonly items: readonly string[];
}

describe('KStream.flatMap', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const orders = {
    a: { key: 'o1', value: { customer: 'ann', items: ['pen', 'ink'] } },
    b: { key: 'o2', value: { customer: 'bob', items: [] } },
    c: { key: 'o3', value: { customer: 'cy', items: ['pad'] } },
  };

  const itemsByName = (orderId: string, order: Order): KeyValue<string, string>[] =>
    order.items.map((item) => ({ key: item, value: `${order.customer}/${orderId}` }));

  it('should emit every { key, value } the mapper returns, in order, at the time of the record', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, Order>('orders').flatMap(itemsByName).to('items');

      const input = cold('-a--b--c-|', orders);
      const expected = '  -(xy)--z-|';
      expectObservable(runTopology(builder.build(), { orders: input }).output('items')).toBe(expected, {
        x: { key: 'pen', value: 'ann/o1' },
        y: { key: 'ink', value: 'ann/o1' },
        z: { key: 'pad', value: 'cy/o3' },
      });
    });
  });

  it('should give every record it emits the timestamp and headers of its input record', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, Order>('orders').flatMap(itemsByName).to('items');

      const input = cold('-a----|', { a: { ...orders.a, timestamp: 500, headers: { source: 'web' } } });
      const expected = '  -(xy)-|';
      expectObservable(runTopology(builder.build(), { orders: input }).records('items')).toBe(expected, {
        x: { topic: 'items', key: 'pen', value: 'ann/o1', timestamp: 500, headers: { source: 'web' } },
        y: { topic: 'items', key: 'ink', value: 'ann/o1', timestamp: 500, headers: { source: 'web' } },
      });
    });
  });

  it('should accept any iterable, such as a generator', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('counts')
        .flatMap(function* (key, times) {
          for (let i = 1; i <= times; i++) yield { key: `${key}-${i}`, value: i };
        })
        .to('out');

      const input = cold('-a-b-|', { a: { key: 'x', value: 2 }, b: { key: 'y', value: 0 } });
      const expected = '  -(pq)|';
      expectObservable(runTopology(builder.build(), { counts: input }).output('out')).toBe(expected, {
        p: { key: 'x-1', value: 1 },
        q: { key: 'x-2', value: 2 },
      });
    });
  });

  it('should repartition before a grouping, so records for one new key from many old keys are counted together', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
      .flatMap(itemsByName)
      .groupByKey({ name: 'by-item', keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .count({ storeName: 'item-counts' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());

    input.pipeInput('o1', { customer: 'ann', items: ['pen', 'ink'] });
    input.pipeInput('o2', { customer: 'bob', items: ['pen'] });

    expect(driver.producedTopicNames()).to.include('app-by-item-repartition');
    const counts = driver.getKeyValueStore<string, number>('item-counts');
    expect(counts.all()).to.deep.equal([
      { key: 'ink', value: 1 },
      { key: 'pen', value: 2 },
    ]);
    driver.close();
  });

  it('should fail naming the processor when the mapper does not return an iterable', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders')
        .flatMap((id, order) => (order.items.length === 0 ? (undefined as unknown as KeyValue<string, string>[]) : itemsByName(id, order)), 'explode')
        .to('items');

      const input = cold('-a----b--c-|', orders);
      const expected = '  -(xy)-#';
      const error =
        'ProcessingException: Processor explode failed: flatMap must return an iterable of { key, value } objects (at task 0_0, processor explode, topic orders partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { orders: input }).output('items').pipe(errorText())).toBe(
        expected,
        { x: { key: 'pen', value: 'ann/o1' }, y: { key: 'ink', value: 'ann/o1' } },
        error,
      );
    });
  });

  it('should fail naming the processor and the record when the mapper throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders')
        .flatMap((id, order) => {
          if (order.customer === 'cy') throw new Error('customer cy is blocked');
          return itemsByName(id, order);
        }, 'explode')
        .to('items');

      const input = cold('-a--b--c-|', orders);
      const expected = '  -(xy)--#';
      const error = 'ProcessingException: Processor explode failed: customer cy is blocked (at task 0_0, processor explode, topic orders partition 0 offset 2)';
      expectObservable(runTopology(builder.build(), { orders: input }).output('items').pipe(errorText())).toBe(
        expected,
        { x: { key: 'pen', value: 'ann/o1' }, y: { key: 'ink', value: 'ann/o1' } },
        error,
      );
    });
  });

  it("should skip the record when the mapper throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Order>('orders')
        .flatMap((id, order) => {
          if (order.customer === 'ann') throw new Error('customer ann is blocked');
          return itemsByName(id, order);
        })
        .to('items');

      const input = cold('-a--b--c-|', orders);
      const expected = '  -------z-|';
      const run = runTopology(builder.build(), { orders: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('items')).toBe(expected, { z: { key: 'pad', value: 'cy/o3' } });
    });
  });
});
